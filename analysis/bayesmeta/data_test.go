package bayesmeta

import (
	"math"
	"math/rand/v2"
)

// The eight-schools data (Rubin, 1981), as printed by the bayesmeta
// vignette (version 3.4, inst/doc/bayesmeta.html: data("Rubin1981")).
var (
	schoolsY  = []float64{28.39, 7.94, -2.75, 6.82, -0.64, 0.63, 18.01, 12.16}
	schoolsSE = []float64{14.9, 10.2, 16.3, 11.0, 9.4, 11.4, 10.4, 17.6}
)

// The towels data (Scheibehenne, Jamil & Wagenmakers, 2016) as shipped by
// metaBMA 0.6.9 (data/towels.RData, columns logOR and SE, read at full
// double precision).
var (
	towelsY  = []float64{0.3806017456894902, 0.3049376710632111, 0.20553785182976053, 0.25084471039656886, 0.28768207245178085, -0.12154243858028917, -1.4579240172591452}
	towelsSE = []float64{0.19769011444225412, 0.1361155056182934, 0.19159204247979103, 0.17007692988890766, 0.823754471047914, 0.2480539793082564, 0.7601798078937803}
)

func sq(x []float64) []float64 {
	v := make([]float64, len(x))
	for i, s := range x {
		v[i] = s * s
	}
	return v
}

// simZ simulates k Fisher-z correlations with true mean mu, heterogeneity
// tau and sample sizes 30–300 (seeded, deterministic).
func simZ(k int, mu, tau float64, seed uint64) (y, v []float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	for range k {
		n := 30 + rng.IntN(270)
		vi := 1 / float64(n-3)
		y = append(y, mu+tau*rng.NormFloat64()+rng.NormFloat64()*math.Sqrt(vi))
		v = append(v, vi)
	}
	return y, v
}
