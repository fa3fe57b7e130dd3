package plots_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/plots"
)

// The profile plot of τ² of the REML model of dat.molloy2014 (metafor:
// confint(res, type = "PL") gives [0.001357, 0.030152]): the curve
// crosses ℓ(τ̂²) − χ²₁,.₉₅/2 at the two bounds.
func ExampleTau2ProfileFromSpec() {
	yi, vi := molloyZ()
	res, err := meta.Fit(yi, vi, meta.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ci, err := meta.ProfileCI(res)
	if err != nil {
		fmt.Println(err)
		return
	}
	grid := make([]float64, 101)
	for i := range grid {
		grid[i] = 0.04 * float64(i) / 100
	}
	pts, err := meta.ProfileLogLik(res, grid)
	if err != nil {
		fmt.Println(err)
		return
	}
	fig, err := plots.Tau2ProfileFromSpec(workflow.Tau2ProfileSpec{Points: pts, Tau2: res.Tau2, LogLik: res.Fit.LogLik, CI: ci, Method: res.Method})
	if err != nil {
		fmt.Println(err)
		return
	}
	at, err := meta.ProfileLogLik(res, []float64{ci.LB, ci.UB})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("panels %d, y axis %q\n", len(fig.Panels[0]), fig.Panels[0][0].Y.Label.Text)
	fmt.Printf("PL CI [%.6f, %.6f]\n", ci.LB, ci.UB)
	fmt.Printf("ll at the bounds %.4f %.4f = cut %.4f\n", at[0].LogLik, at[1].LogLik, res.Fit.LogLik-ci.Crit/2)
	// Output:
	// panels 1, y axis "Restricted log-likelihood"
	// PL CI [0.001357, 0.030152]
	// ll at the bounds 6.6888 6.6888 = cut 6.6888
}

// A likelihood profile drawn from any curve: here the log-likelihood of a
// normal mean, −n(μ − x̄)²/(2σ²) with n = 10, σ = 1, x̄ = 0.3, whose 95%
// profile-likelihood CI is x̄ ± 1.96/√10 = [−0.320, 0.920]. The y axis runs
// from the lowest value, −4.05 at both ends, to the maximum 0, padded by 5%
// of that range (0.2025).
func ExampleLikelihoodProfile() {
	var x, ll []float64
	for i := 0; i <= 60; i++ {
		mu := -0.6 + 1.8*float64(i)/60
		x, ll = append(x, mu), append(ll, -10*(mu-0.3)*(mu-0.3)/2)
	}
	cut := -3.841459 / 2
	fig, err := plots.LikelihoodProfile(x, ll, plots.ProfileOptions{XLabel: "μ", YLabel: "Log-likelihood", Estimate: 0.3, Cut: cut, CILB: 0.3 - 1.959964/3.162278, CIUB: 0.3 + 1.959964/3.162278})
	if err != nil {
		fmt.Println(err)
		return
	}
	p := fig.Panels[0][0]
	fmt.Printf("x [%.2f, %.2f], y [%.3f, %.3f]\n", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	// Output:
	// x [-0.60, 1.20], y [-4.253, 0.203]
}
