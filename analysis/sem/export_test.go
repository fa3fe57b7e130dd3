package sem

// Gradient is the analytic gradient of −ℓ (total over cases) of res's
// model at theta on d, for the external tests.
func Gradient(res *Result, d *Data, theta []float64) []float64 {
	g := make([]float64, len(theta))
	objective{res.model, d, res.idx}.eval(theta, g)
	for i := range g {
		g[i] *= float64(d.N)
	}
	return g
}
