package plots_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/effectsize"
	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/metamv"
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/plots"
)

// demoThreeLevel fits rma.mv(yi, vi, random = ~ 1 | study/es_id) to the
// embedded demo studies (Fisher z), with year as moderator when mods.
func demoThreeLevel(mods, profile bool) (res *metamv.Result, yi, vi, year []float64, study []string) {
	t, err := datasets.ReadEmbedded("demo-studies", datasets.ReadOptions{})
	if err != nil {
		panic(err)
	}
	s, err := t.Studies(datasets.StudyColumns{Mods: []string{"year"}, Cluster: []string{"study"}}, datasets.StudyOptions{FisherZ: true})
	if err != nil {
		panic(err)
	}
	if yi, vi, err = effectsize.ZCOR(s.R, s.N); err != nil {
		panic(err)
	}
	study = s.Cluster[0].Text
	year = s.Mods[0].Num
	opt := metamv.Options{Measure: "ZCOR", NoProfile: !profile, OuterName: "study", InnerName: "es_id"}
	if mods {
		opt.Mods = []meta.Moderator{{Name: "year", Numeric: year}}
	}
	if res, err = metamv.Fit(yi, vi, study, nil, opt); err != nil {
		panic(err)
	}
	return res, yi, vi, year, study
}

// The forest plot grouped by study: 83 effects, each of the 12 studies
// with two or more followed by its mean, and the pooled diamond. As R: for
// Study 06, with M the block of rma.mv's res$M less sigma2[1],
// W = solve(M): sum(W %*% yi) / sum(W) = 0.2741, SE 1/sqrt(sum(W)) = 0.0880.
func ExampleThreeLevelForest_grouped() {
	res, yi, vi, _, study := demoThreeLevel(false, false)
	cm, err := res.ClusterMeans()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range cm {
		if c.Cluster == "Study 06 (2006)" {
			fmt.Printf("%s: mean %.4f, SE %.4f, %d effects\n", c.Cluster, c.Estimate, c.SE, len(c.Rows))
		}
	}
	fig, err := plots.ThreeLevelForest(workflow.ThreeLevelForestSpec{Fit: res, Yi: yi, Vi: vi, Labels: study, R: true, ClusterMeans: cm})
	if err != nil {
		fmt.Println(err)
		return
	}
	axes(fig)
	encodes(fig)
	// Output:
	// Study 06 (2006): mean 0.2741, SE 0.0880, 4 effects
	// x "Correlation (r)" [-0.500, 1.000]; y "" [-98.500, 0.500]
	// svg: true
}

// The funnel plot of the three-level model: the 83 effects against their
// standard errors, coloured by study (60 of them, too many for a key),
// centred on the three-level estimate 0.2839 (metafor rma.mv).
func ExampleThreeLevelFunnel() {
	res, yi, vi, _, study := demoThreeLevel(false, false)
	fig, err := plots.ThreeLevelFunnel(workflow.ThreeLevelFunnelSpec{Fit: res, Yi: yi, Vi: vi, Clusters: study, R: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("estimate %.4f\n", res.Coefficients[0].Estimate)
	axes(fig)
	encodes(fig)
	// Output:
	// estimate 0.2839
	// x "Fisher's z" [-0.750, 1.000]; y "Standard error" [0.000, 0.250]
	// svg: true
}

// The bubble plot of the three-level meta-regression on year. As metafor:
// rma.mv(yi, vi, mods = ~ year, random = ~ 1 | study/es_id) gives the slope
// 0.00029683 and weights(res) from 0.395% to 2.301%.
func ExampleThreeLevelBubble() {
	res, yi, _, year, study := demoThreeLevel(true, false)
	w, err := res.Weights()
	if err != nil {
		fmt.Println(err)
		return
	}
	lo, hi := w[0], w[0]
	for _, v := range w {
		lo, hi = min(lo, v), max(hi, v)
	}
	fig, err := plots.ThreeLevelBubble(workflow.ThreeLevelBubbleSpec{Fit: res, Yi: yi, X: year, Clusters: study, Moderator: "year", R: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("slope %.8f, weights %.3f%% to %.3f%%\n", res.Coefficients[1].Estimate, lo, hi)
	axes(fig)
	encodes(fig)
	// Output:
	// slope 0.00029683, weights 0.395% to 2.301%
	// x "year" [1985.000, 2020.000]; y "Correlation (r)" [-0.100, 0.600]
	// svg: true
}

// The profile plot of the two σ²s. As metafor: confint(rma.mv(yi, vi,
// random = ~ 1 | study/es_id), control = list(tol = 1e-12)) gives
// σ²₁ = 0.00177 [0, 0.00865] and σ²₂ = 0.00657 [0.00162, 0.01520]; the
// profile is highest at the estimate, logLik(res) = 39.8523.
func ExampleThreeLevelProfile() {
	res, _, _, _, _ := demoThreeLevel(false, true)
	var ps []*metamv.Sigma2Profile
	for j := 0; j < 2; j++ {
		p, err := res.ProfileSigma2(j, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		best := 0
		for i, v := range p.LL {
			if v > p.LL[best] {
				best = i
			}
		}
		fmt.Printf("σ²%d = %.5f [%.5f, %.5f]; highest profile point %.4f at σ² = %.5f\n", j+1, p.Estimate, p.CI[0], p.CI[1], p.LL[best], p.Grid[best])
		ps = append(ps, p)
	}
	fig, err := plots.ThreeLevelProfile(workflow.ThreeLevelProfileSpec{Profiles: ps, Level: res.Level})
	if err != nil {
		fmt.Println(err)
		return
	}
	axes(fig)
	encodes(fig)
	// Output:
	// σ²1 = 0.00177 [0.00000, 0.00865]; highest profile point 39.8523 at σ² = 0.00177
	// σ²2 = 0.00657 [0.00162, 0.01520]; highest profile point 39.8523 at σ² = 0.00657
	// σ² between clusters (study): x "σ²" [0.000, 0.013]; y "Restricted log-likelihood" [36.971, 40.140]
	// σ² within clusters (study/es_id): x "σ²" [0.000, 0.020]; y "Restricted log-likelihood" [34.962, 40.341]
	// svg: true
}
