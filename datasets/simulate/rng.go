package simulate

import (
	"math"
	"math/rand/v2"
)

// Version identifies the random streams of this package. Output is identical
// for equal Seed, parameters and Version; any change that alters generated
// values increments Version.
const Version = 1

// Domain constants separate the streams of different simulators and of the
// therapist level, so that equal seeds do not give correlated draws.
const (
	domainSessions  = 0x5e55_1011_a11a_11ce
	domainStudies   = 0x57d1_e5a1_1a11_c0de
	streamTherapist = 0 // patient streams are 1…Patients, study streams 1…Studies
)

// splitMix64 is the SplitMix64 finaliser (Steele, Lea & Flood 2014), a
// bijection on uint64 used to turn (seed, stream) into well-mixed PCG seeds.
func splitMix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// rng is a small generator over math/rand/v2's PCG whose conversions to
// uniform and normal variates are defined here, so that they cannot change
// with the standard library.
type rng struct {
	src      rand.PCG
	spare    float64
	hasSpare bool
}

// seed resets the generator to the stream of (seed, domain, stream).
// Distinct streams of one seed and domain get distinct PCG states.
func (r *rng) seed(seed int64, domain, stream uint64) {
	s1 := splitMix64(uint64(seed) ^ domain)
	s2 := splitMix64(s1 + stream)
	r.src.Seed(s1, s2)
	r.hasSpare = false
}

// uniform returns a uniform variate in [0, 1) with 53 random bits.
func (r *rng) uniform() float64 {
	return float64(r.src.Uint64()>>11) * 0x1p-53
}

// intn returns a uniform integer in [0, n) for n ≥ 1 as ⌊n·U⌋ from one
// uniform U, so it always consumes exactly one draw (keeping a stream's later
// draws aligned whatever n is); its bias is below n·2⁻⁵³.
func (r *rng) intn(n int) int {
	if n <= 1 {
		r.src.Uint64()
		return 0
	}
	return min(int(float64(n)*r.uniform()), n-1)
}

// normal returns a standard normal variate by Marsaglia's polar method
// (Marsaglia & Bray 1964): draw (u, v) uniform in the unit disc, s = u²+v²;
// then u·√(−2 ln s / s) and v·√(−2 ln s / s) are independent N(0, 1). The
// second value is kept for the next call.
func (r *rng) normal() float64 {
	if r.hasSpare {
		r.hasSpare = false
		return r.spare
	}
	for {
		u := 2*r.uniform() - 1
		v := 2*r.uniform() - 1
		s := float64(u*u) + float64(v*v) // conversions forbid FMA fusion (same s on every architecture)
		if s == 0 || s >= 1 {
			continue
		}
		f := math.Sqrt(-2 * math.Log(s) / s)
		r.spare = v * f
		r.hasSpare = true
		return u * f
	}
}
