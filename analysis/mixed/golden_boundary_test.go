package mixed

import (
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
	"github.com/alliance-research/alliance/analysis/internal/linalg"
)

// boundaryGolden is mixed_boundary.json (testdata/golden/R/mixed_boundary.R).
type boundaryGolden struct {
	Formula  string    `json:"formula"`
	DataFile string    `json:"data_file"`
	NObs     int       `json:"nobs"`
	Names    []string  `json:"names"`
	Estimate []float64 `json:"estimate"`
	SE       []float64 `json:"se"`
	LmerTest struct {
		DF      []float64   `json:"df"`
		Theta   []float64   `json:"theta"`
		Sigma   float64     `json:"sigma"`
		LogLik  float64     `json:"logLik"`
		Hessian [][]float64 `json:"hessian"`
	} `json:"lmertest"`
	Exact struct {
		DF      []float64   `json:"df"`
		Hessian [][]float64 `json:"hessian"`
	} `json:"exact"`
	Polished struct {
		Theta        []float64   `json:"theta"`
		Sigma        float64     `json:"sigma"`
		LogLik       float64     `json:"logLik"`
		ExactDF      []float64   `json:"exact_df"`
		ExactHessian [][]float64 `json:"exact_hessian"`
	} `json:"polished"`
	AtPolished struct {
		DF []float64 `json:"df"`
	} `json:"lmertest_at_polished"`
}

// boundaryData reads the raw sessions of mixed_boundary_s16.csv and derives
// the stage-1 columns of 'alliance ipd' (therapist-mean centring, the next
// session's outcome), written here independently of the workflow.
func boundaryData(t *testing.T, path string) Data {
	raw := csvData(t, path)
	if len(raw.Text) > 0 {
		t.Fatalf("%s: non-numeric columns %v", path, raw.Text)
	}
	col := raw.Numeric
	type key struct{ th, pt float64 }
	n := len(col["session"])
	sum, cnt := map[key]float64{}, map[key]float64{}
	at := map[[3]float64]int{}
	for i := 0; i < n; i++ {
		k := key{col["therapist"][i], col["patient"][i]}
		sum[k] += col["alliance"][i]
		cnt[k]++
		at[[3]float64{k.th, k.pt, col["session"][i]}] = i
	}
	tsum, tcnt := map[float64]float64{}, map[float64]float64{}
	for k, s := range sum {
		tsum[k.th] += s / cnt[k]
		tcnt[k.th]++
	}
	d := Data{Numeric: map[string][]float64{}}
	for i := 0; i < n; i++ {
		k := key{col["therapist"][i], col["patient"][i]}
		pm, tm := sum[k]/cnt[k], tsum[k.th]/tcnt[k.th]
		next := math.NaN()
		if j, ok := at[[3]float64{k.th, k.pt, col["session"][i] + 1}]; ok {
			next = col["outcome"][j]
		}
		for name, v := range map[string]float64{"alliance_within": col["alliance"][i] - pm, "alliance_patient": pm - tm,
			"alliance_therapist": tm, "outcome_next": next, "outcome": col["outcome"][i], "session": col["session"][i],
			"therapist": k.th, "patient": k.pt} {
			d.Numeric[name] = append(d.Numeric[name], v)
		}
	}
	return d
}

// tolClosed is the agreement with the closed-form derivatives: differences
// of a deviance of 27,518 computed to ~1e-10 leave ~1e-5 of rounding in a
// Hessian entry of 3.7 at steps of a hundredth of a standard error.
const tolClosed = 3e-5

// TestBoundarySatterthwaite: study S16 of the IPD benchmark, whose therapist
// SD is 1.4 % of the residual SD (θ = 0.022). The REML criterion is flat in
// that θ and its Hessian entry (3.7) is tiny beside the deviance (27,518),
// so derivatives by differences with a step of 10⁻⁴ were rounding noise: df
// 17.17–17.74 where lmerTest and the closed form give 18.12–18.13. Checked:
//   - the optimum against R's, polished by Newton steps on the closed-form
//     gradient (θ to 1e-7 — the quasi-Newton search on the analytic gradient gets within
//     2e-10 —, logLik 1e-9);
//   - df at our optimum against the closed-form df there (3e-5), and against
//     lmerTest's own recipe (numDeriv) evaluated there (1e-4);
//   - df at lme4's θ and σ (bobyqa stops 4e-4 short in θ_therapist, which
//     alone moves df by 4e-4) against lmerTest's summary there (1e-4) and the
//     closed form (3e-5): the derivatives, apart from where the optimum is;
//   - the Hessian 2A⁻¹ of the variance parameters there against the closed
//     form (3e-5).
func TestBoundarySatterthwaite(t *testing.T) {
	var g boundaryGolden
	if err := golden.Load("mixed_boundary.json", &g); err != nil {
		t.Fatal(err)
	}
	path, err := golden.Path(g.DataFile)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Fit(g.Formula, boundaryData(t, path), Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := m.Result
	if r.NObs != g.NObs {
		t.Fatalf("nobs = %d, want %d", r.NObs, g.NObs)
	}
	check(t, "logLik", r.LogLik, g.Polished.LogLik, tolLogLik)
	for i, th := range g.Polished.Theta {
		check(t, "theta", r.Theta[i], th, 1e-7)
	}
	for i, c := range r.Fixed {
		check(t, c.Name+" estimate", c.Estimate, g.Estimate[i], tolFixed)
		check(t, c.Name+" se", c.SE, g.SE[i], tolVar)
		check(t, c.Name+" df vs closed form at the optimum", c.DF, g.Polished.ExactDF[i], tolClosed)
		check(t, c.Name+" df vs lmerTest's recipe at the optimum", c.DF, g.AtPolished.DF[i], tolDF)
	}
	// The same derivatives at lme4's optimum.
	at := *m
	at.x = append([]float64(nil), g.LmerTest.Theta...)
	vd, err := at.vcovDerivs(g.LmerTest.Sigma)
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range g.Names {
		l := make([]float64, len(g.Names))
		l[i] = 1
		df := vd.df(l)
		check(t, name+" df at lme4's theta vs lmerTest", df, g.LmerTest.DF[i], tolDF)
		check(t, name+" df at lme4's theta vs closed form", df, g.Exact.DF[i], tolClosed)
	}
	// The Hessian of the deviance in (θ, σ) there: 2A⁻¹.
	H, _, err := linalg.InvertSPD(vd.A, vd.k)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < vd.k; i++ {
		for j := 0; j < vd.k; j++ {
			check(t, "Hessian", 2*H[i*vd.k+j], g.Exact.Hessian[i][j], tolClosed)
		}
	}
}
