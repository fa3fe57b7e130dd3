package meta_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/effectsize"
	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/datasets"
)

// The examples below use the embedded datasets (metadat's dat.molloy2014,
// dat.mcdaniel1994, dat.cohen1981), converted to Fisher z as
// escalc("ZCOR", ri = ri, ni = ni, data = ...). The printed numbers equal
// metafor 3.8-1's, recorded in testdata/golden (meta_*.json, bias_*.json).

// studies loads an embedded study table with the moderator and cluster
// columns named, and returns it with its Fisher z values and variances.
func studies(name string, mods, cluster []string) (*datasets.Studies, []float64, []float64) {
	t, err := datasets.ReadEmbedded(name, datasets.ReadOptions{})
	if err != nil {
		panic(err)
	}
	s, err := t.Studies(datasets.StudyColumns{Mods: mods, Cluster: cluster}, datasets.StudyOptions{FisherZ: true})
	if err != nil {
		panic(err)
	}
	yi, vi, err := effectsize.ZCOR(s.R, s.N)
	if err != nil {
		panic(err)
	}
	return s, yi, vi
}

// molloy fits the REML random-effects model of dat.molloy2014.
func molloy() *meta.Result {
	_, yi, vi := studies("molloy2014", nil, nil)
	res, err := meta.Fit(yi, vi, meta.Options{Method: "REML", Measure: "ZCOR"})
	if err != nil {
		panic(err)
	}
	return res
}

// As metafor: rma(yi, vi, data = dat.molloy2014, method = "REML")
// after dat <- escalc("ZCOR", ri = ri, ni = ni, data = dat.molloy2014).
func ExampleFit() {
	_, yi, vi := studies("molloy2014", nil, nil)
	res, err := meta.Fit(yi, vi, meta.Options{Method: "REML", Measure: "ZCOR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := res.Coefficients[0]
	fmt.Printf("k = %d, estimate = %.4f, se = %.4f, z = %.4f, ci = [%.4f, %.4f]\n", res.K, c.Estimate, c.SE, c.Statistic, c.CILB, c.CIUB)
	fmt.Printf("tau2 = %.6f, I2 = %.2f%%, QE(%d) = %.4f\n", res.Tau2, res.I2, res.QEDF, res.QE)
	fmt.Printf("r = %.4f, PI = [%.4f, %.4f]\n", res.R.Estimate, *res.R.PILB, *res.R.PIUB)
	// Output:
	// k = 16, estimate = 0.1499, se = 0.0316, z = 4.7502, ci = [0.0881, 0.2118]
	// tau2 = 0.008110, I2 = 61.73%, QE(15) = 38.1595
	// r = 0.1488, PI = [-0.0371, 0.3247]
}

// As metafor: rma(yi, vi, data = dat.molloy2014, method = "DL", test = "knha")
// (Knapp–Hartung t test with k − 1 df).
func ExampleFit_knha() {
	_, yi, vi := studies("molloy2014", nil, nil)
	res, err := meta.Fit(yi, vi, meta.Options{Method: "DL", Test: meta.TestKNHA, Measure: "ZCOR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := res.Coefficients[0]
	fmt.Printf("estimate = %.4f, se = %.4f, t(%g) = %.4f, p = %.5f\n", c.Estimate, c.SE, *c.DF, c.Statistic, c.P)
	fmt.Printf("tau2 = %.6f\n", res.Tau2)
	// Output:
	// estimate = 0.1496, se = 0.0327, t(15) = 4.5769, p = 0.00036
	// tau2 = 0.007763
}

// As metafor: rma(yi, vi, mods = ~ type, data = dat.mcdaniel1994, method = "REML")
// (a meta-regression on the interview type, j/p/s).
func ExampleFit_moderators() {
	s, yi, vi := studies("mcdaniel1994", []string{"type"}, nil)
	res, err := meta.Fit(yi, vi, meta.Options{Method: "REML", Measure: "ZCOR",
		Mods: []meta.Moderator{{Name: "type", Text: s.Mods[0].Text}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range res.Coefficients {
		fmt.Printf("%-8s %8.4f %8.4f\n", c.Name, c.Estimate, c.SE)
	}
	fmt.Printf("QM(%d) = %.4f, tau2 = %.6f\n", res.QMDF, res.QM, res.Tau2)
	// Output:
	// intrcpt    0.2474   0.0187
	// typep     -0.1228   0.0582
	// types      0.0573   0.0598
	// QM(2) = 5.8455, tau2 = 0.028242
}

// As metafor: trimfill(rma(yi, vi, data = dat.molloy2014, method = "REML"))
// (estimator L0, side chosen by the Egger test's sign).
func ExampleTrimFill() {
	tf, err := meta.TrimFill(molloy(), meta.TrimFillOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("k0 = %d (%s), estimate = %.4f, se = %.4f, tau2 = %.6f\n", tf.K0, tf.Side, tf.Estimate, tf.SE, tf.Tau2)
	// Output:
	// k0 = 2 (left), estimate = 0.1288, se = 0.0333, tau2 = 0.011245
}

// As metafor: regtest(rma(yi, vi, data = dat.molloy2014, method = "REML"))
// (Egger's test: sei as a moderator of the random-effects model).
func ExampleRegTest() {
	t, err := meta.RegTest(molloy(), meta.RegTestOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s/%s: z = %.4f, p = %.4f\n", t.Model, t.Predictor, t.Statistic, t.P)
	// Output:
	// rma/sei: z = 1.0217, p = 0.3069
}

// As metafor: ranktest(rma(yi, vi, data = dat.molloy2014, method = "REML"))
// (Begg and Mazumdar's rank correlation test).
func ExampleRankTest() {
	t, err := meta.RankTest(molloy())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("tau = %.4f, p = %.4f\n", t.Tau, t.P)
	// Output:
	// tau = 0.1590, p = 0.3918
}

// As metafor: ranktest(yi, vi) with
// yi = c(0.41, 0.12, 0.33, -0.05, 0.27, 0.51, 0.08) and
// vi = c(0.04, 0.01, 0.03, 0.005, 0.02, 0.06, 0.012) (bias_rank_small.json).
func ExampleRankTestYV() {
	yi := []float64{0.41, 0.12, 0.33, -0.05, 0.27, 0.51, 0.08}
	vi := []float64{0.04, 0.01, 0.03, 0.005, 0.02, 0.06, 0.012}
	t, err := meta.RankTestYV(yi, vi)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("tau = %.4f, p = %.6f, exact = %v\n", t.Tau, t.P, t.Exact)
	// Output:
	// tau = 0.9048, p = 0.002778, exact = true
}

// As metafor: fsn(yi, vi, data = dat), fsn(yi, vi, data = dat, type = "Orwin")
// and fsn(yi, vi, data = dat, type = "Rosenberg") for dat.molloy2014.
func ExampleFailSafeN() {
	_, yi, vi := studies("molloy2014", nil, nil)
	f, err := meta.FailSafeN(yi, vi, meta.FSNOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("Rosenthal %d (p = %.3g), Orwin %d (target %.4f), Rosenberg %d (p = %.3g)\n",
		f.Rosenthal, f.RosenthalP, f.Orwin, f.OrwinTarget, f.Rosenberg, f.RosenbergP)
	// Output:
	// Rosenthal 316 (p = 3.5e-14), Orwin 16 (target 0.0626), Rosenberg 210 (p = 1.78e-13)
}

// As metafor: selmodel(rma(yi, vi, data = dat.molloy2014, method = "ML"),
// type = "stepfun", steps = 0.025) (a one-step Vevea–Hedges selection model).
func ExampleSelModel() {
	_, yi, vi := studies("molloy2014", nil, nil)
	res, err := meta.Fit(yi, vi, meta.Options{Method: "ML", Measure: "ZCOR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := meta.SelModel(res, meta.SelModelOptions{Step: 0.025})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("estimate = %.4f, se = %.4f, tau2 = %.6f, delta = %.4f, LRT = %.4f (df %d), ptable = %v\n", s.Estimate, s.SE, s.Tau2, s.Delta, s.LRT, s.LRTDF, s.PTable)
	// Output:
	// estimate = 0.0915, se = 0.0445, tau2 = 0.005564, delta = [1.0000 0.2404], LRT = 2.9851 (df 1), ptable = [9 7]
}

// As metafor: regtest(res, predictor = "sei") and regtest(res, predictor = "vi")
// with model = "lm" (PET and PEESE, Stanley & Doucouliagos 2014), then the
// conditional choice between them, for dat.molloy2014.
func ExamplePETPEESE() {
	p, err := meta.PETPEESE(molloy(), meta.PETPEESEOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("PET slope t = %.4f; use %s: estimate = %.4f [%.4f, %.4f]\n", p.PET.Statistic, p.Use, p.Estimate, p.CILB, p.CIUB)
	// Output:
	// PET slope t = 1.3450; use PET: estimate = 0.0579 [-0.0634, 0.1792]
}

// As metafor: influence(rma(yi, vi, data = dat.molloy2014, method = "REML"))
// (the two largest Cook's distances).
func ExampleInfluence() {
	inf, err := meta.Influence(molloy())
	if err != nil {
		fmt.Println(err)
		return
	}
	best, second := 0, 1
	for i, r := range inf.Rows {
		if r.CookD > inf.Rows[best].CookD {
			best, second = i, best
		} else if i != best && r.CookD > inf.Rows[second].CookD {
			second = i
		}
	}
	for _, i := range []int{best, second} {
		r := inf.Rows[i]
		fmt.Printf("study %d: rstudent = %.4f, cook.d = %.4f, hat = %.4f\n", i+1, r.RStudent, r.CookD, r.Hat)
	}
	// Output:
	// study 10: rstudent = -1.8673, cook.d = 0.2197, hat = 0.1058
	// study 12: rstudent = 1.8776, cook.d = 0.2148, hat = 0.0511
}

// As metafor: leave1out(rma(yi, vi, data = dat.molloy2014, method = "REML"))
// (first three rows).
func ExampleLeaveOneOut() {
	rows, err := meta.LeaveOneOut(molloy())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rows[:3] {
		fmt.Printf("%s: %.4f [%.4f, %.4f], tau2 = %.6f\n", r.Study, r.Estimate, r.CILB, r.CIUB, r.Tau2)
	}
	// Output:
	// 1: 0.1483 [0.0825, 0.2142], tau2 = 0.009060
	// 2: 0.1500 [0.0806, 0.2194], tau2 = 0.009997
	// 3: 0.1418 [0.0801, 0.2035], tau2 = 0.007540
}

// As metafor: rma(yi, vi, data = dat, subset = study != cl, method = "REML")
// for each study cl of dat.cohen1981 (Centra 1977 has two samples, so it is
// left out as one cluster).
func ExampleLeaveClusterOut() {
	s, yi, vi := studies("cohen1981", nil, []string{"study"})
	res, err := meta.Fit(yi, vi, meta.Options{Method: "REML", Measure: "ZCOR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	rows, err := meta.LeaveClusterOut(res, s.Cluster[0].Text)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(rows), "clusters")
	for _, r := range rows {
		if r.K == 18 {
			fmt.Printf("%s (k = %d): %.4f [%.4f, %.4f]\n", r.Cluster, r.K, r.Estimate, r.CILB, r.CIUB)
		}
	}
	// Output:
	// 16 clusters
	// Centra 1977 (k = 18): 0.3682 [0.2743, 0.4621]
}

// As metafor: cumul(rma(yi, vi, data = dat.molloy2014, method = "REML"), order = year)
// (the last step uses every study and equals the full fit).
func ExampleCumulative() {
	s, yi, vi := studies("molloy2014", []string{"year"}, nil)
	res, err := meta.Fit(yi, vi, meta.Options{Method: "REML", Measure: "ZCOR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	rows, err := meta.Cumulative(res, s.Mods[0].Num, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range []meta.SummaryRow{rows[1], rows[len(rows)-1]} {
		fmt.Printf("k = %d: %.4f [%.4f, %.4f]\n", r.K, r.Estimate, r.CILB, r.CIUB)
	}
	// Output:
	// k = 2: 0.0993 [-0.2603, 0.4588]
	// k = 16: 0.1499 [0.0881, 0.2118]
}

// As metafor: rma(yi, vi, data = dat.mcdaniel1994, subset = type == l,
// method = "REML") for each interview type l, then the between-groups test
// rma(est, sei = se, mods = ~ type, method = "FE").
func ExampleSubgroups() {
	s, yi, vi := studies("mcdaniel1994", []string{"type"}, nil)
	sg, err := meta.Subgroups(yi, vi, s.Mods[0].Text, meta.Options{Method: "REML", Measure: "ZCOR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, l := range sg.Levels {
		f := sg.Fits[i]
		fmt.Printf("%s: k = %d, %.4f, tau2 = %.6f\n", l, f.K, f.Coefficients[0].Estimate, f.Tau2)
	}
	fmt.Printf("Q_between(%d) = %.4f, p = %.4f\n", sg.QBDF, sg.QB, sg.QBP)
	// Output:
	// j: k = 127, 0.2486, tau2 = 0.033405
	// p: k = 14, 0.1506, tau2 = 0.001541
	// s: k = 16, 0.2933, tau2 = 0.008512
	// Q_between(2) = 9.9737, p = 0.0068
}

// As metafor: permutest(rma(yi, vi, mods = ~ meanage, data = dat.molloy2014,
// method = "REML"), iter = 1000) — a random permutation test; its p-values
// depend on the seed, so only the observed statistic (metafor: zval −1.1953)
// and the count are shown (the exact test, PermuteExact, is reproducible).
func ExamplePermute() {
	s, yi, vi := studies("molloy2014", []string{"meanage"}, nil)
	r, err := meta.Permute(yi, vi, meta.Options{Method: "REML",
		Mods: []meta.Moderator{{Name: "meanage", Numeric: s.Mods[0].Num}}}, 1000, 1, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d permutations, exact = %v, z(meanage) = %.4f, p in (0, 1]: %v\n",
		r.Iterations, r.Exact, r.Statistic[1], r.P[1] > 0 && r.P[1] <= 1)
	// Output:
	// 1000 permutations, exact = false, z(meanage) = -1.1953, p in (0, 1]: true
}

// As metafor: funnel(rma(yi, vi, data = dat.molloy2014, method = "REML"))
// — the data of the funnel plot: centre, the pseudo-CI's z and the largest SE.
func ExampleFunnel() {
	f, err := meta.Funnel(molloy(), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("centre = %.4f, crit = %.4f, se_max = %.4f, %d points\n", f.Center, f.Crit, f.SEMax, len(f.Points))
	// Output:
	// centre = 0.1499, crit = 1.9600, se_max = 0.1387, 16 points
}

// As metafor: selmodel(rma(yi, vi, data = dat.molloy2014, method = "ML"),
// type = "stepfun", steps = c(0.025, 0.5, 1)): the publication probability
// steps down at one-sided p = .025 and .5 (δ₁ = 1 fixed).
func ExampleSelModel_steps() {
	_, yi, vi := studies("molloy2014", nil, nil)
	res, err := meta.Fit(yi, vi, meta.Options{Method: "ML", Measure: "ZCOR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := meta.SelModel(res, meta.SelModelOptions{Steps: []float64{0.025, 0.5, 1}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("ptable = %v\nestimate = %.4f, se = %.4f, tau2 = %.6f\ndelta = %.4f, se = %.4f\nLRT(df = %d) = %.4f, p = %.4f\n",
		s.PTable, s.Estimate, s.SE, s.Tau2, s.Delta, s.SEDelta[1:], s.LRTDF, s.LRT, s.LRTP)
	// Output:
	// ptable = [9 6 1]
	// estimate = -0.0094, se = 0.1393, tau2 = 0.013335
	// delta = [1.0000 0.1866 0.0220], se = [0.1612 0.0464]
	// LRT(df = 2) = 5.0331, p = 0.0807
}
