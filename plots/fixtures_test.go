package plots

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Molloy et al. (2014), metadat::dat.molloy2014: 16 correlations between
// conscientiousness and medication adherence. The summary values are
// metafor 3.8-1's REML fit (see analysis/meta's example): r = .15 [.09, .21],
// PI [−.045, .325] on the r scale.
var (
	molloyR = []float64{0.187, 0.162, 0.34, 0.32, 0.27, 0, 0.175, 0.05, 0.26, 0.01, -0.09, 0.37, 0, 0.15, 0.24, 0.04}
	molloyN = []float64{109, 749, 55, 107, 72, 65, 174, 326, 58, 771, 56, 91, 116, 537, 158, 65}
	molloyL = []string{"Axelsson et al. (2009)", "Axelsson et al. (2011)", "Bruce et al. (2010)", "Christensen et al. (1995)",
		"Christensen et al. (1999)", "Cohen et al. (2004)", "Dobbels et al. (2005)", "Ediger et al. (2007)", "Insel et al. (2006)",
		"Jerant et al. (2011)", "Moran et al. (1997)", "O'Cleirigh et al. (2007)", "Penedo et al. (2003)", "Quine et al. (2012)",
		"Stilley et al. (2004)", "Wiebe & Christensen (1996)"}
)

func molloyZ() (yi, vi []float64) {
	for i, r := range molloyR {
		yi = append(yi, math.Atanh(r))
		vi = append(vi, 1/(molloyN[i]-3))
	}
	return
}

// simStudies draws k correlations around rho with between-study SD tau on
// the z scale, deterministic for a seed.
func simStudies(k int, rho, tau float64, seed uint64) (labels []string, n, yi, vi []float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	for i := 0; i < k; i++ {
		ni := float64(20 + rng.IntN(400))
		theta := math.Atanh(rho) + tau*rng.NormFloat64()
		v := 1 / (ni - 3)
		labels = append(labels, fmt.Sprintf("Study %03d (%d)", i+1, 1990+rng.IntN(30)))
		n = append(n, ni)
		yi = append(yi, theta+math.Sqrt(v)*rng.NormFloat64())
		vi = append(vi, v)
	}
	return
}

// simSessions draws session-by-session alliance and symptom scores.
func simSessions(patients, sessions int, seed uint64) (id []string, sess, alliance, outcome []float64, group []string) {
	rng := rand.New(rand.NewPCG(seed, 2))
	for p := 0; p < patients; p++ {
		a0 := 4.5 + 0.6*rng.NormFloat64()
		o0 := 25 + 5*rng.NormFloat64()
		g := "CBT"
		if p%2 == 1 {
			g = "PDT"
		}
		slope := -0.8 + 0.3*rng.NormFloat64()
		if g == "PDT" {
			slope += 0.25
		}
		for s := 1; s <= sessions; s++ {
			a := a0 + 0.05*float64(s) + 0.4*rng.NormFloat64()
			id = append(id, fmt.Sprintf("P%03d", p+1))
			sess = append(sess, float64(s))
			alliance = append(alliance, a)
			outcome = append(outcome, o0+slope*float64(s)-1.5*(a-a0)+2*rng.NormFloat64())
			group = append(group, g)
		}
	}
	return
}
