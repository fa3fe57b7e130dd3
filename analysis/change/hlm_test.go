package change

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// hlmGolden is testdata/golden/change_hlm.json (testdata/golden/R/change_hlm.R):
// the package's HLM algorithm recomputed with lme4 on three claus_2020
// outcomes.
type hlmGolden struct {
	Cases []struct {
		Name   string `json:"name"`
		Better string `json:"better"`
		Data   struct {
			ID    []string `json:"id"`
			Time  []Float  `json:"time"`
			Score []Float  `json:"score"`
		} `json:"data"`
		NOriginal     int     `json:"n_original"`
		NUsed         int     `json:"n_used"`
		CriticalValue float64 `json:"critical_value"`
		Model         struct {
			Fixef  []float64 `json:"fixef"`
			Theta  []float64 `json:"theta"`
			Sigma2 float64   `json:"sigma2"`
			LogLik float64   `json:"logLik"`
			NObs   int       `json:"nobs"`
		} `json:"model"`
		Persons struct {
			ID           []string  `json:"id"`
			N            []int     `json:"n"`
			Pre          []float64 `json:"pre"`
			Post         []float64 `json:"post"`
			EB           []float64 `json:"eb"`
			SD           []float64 `json:"sd"`
			RCI          []float64 `json:"rci"`
			Improved     []bool    `json:"improved"`
			Deteriorated []bool    `json:"deteriorated"`
		} `json:"persons"`
		Distribution map[string]int `json:"distribution"`
		Combined     []struct {
			Type           string         `json:"type"`
			MFunctional    *float64       `json:"m_functional"`
			SDFunctional   *float64       `json:"sd_functional"`
			MClinical      float64        `json:"m_clinical"`
			SDClinical     float64        `json:"sd_clinical"`
			Cutoff         float64        `json:"cutoff"`
			ClinicalPre    []bool         `json:"clinical_pre"`
			FunctionalPost []bool         `json:"functional_post"`
			Counts         map[string]int `json:"counts"`
		} `json:"combined"`
	} `json:"cases"`
}

func toF(v []Float) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// Tolerances (relative, sameNum): every HLM number depends on the REML
// variance components, which both sides find by optimisation.
const (
	hlmTolModel = 1e-6 // fixed effects, σ², per-patient SD and z
	hlmTolEB    = 1e-5 // per-patient EB, relative to its SD (measured ≤ 1.0e-6)
	hlmTolTheta = 1e-4 // θ (the optimiser's stopping rule)
	hlmTolLL    = 1e-8 // REML log-likelihood
)

func TestHLMGolden(t *testing.T) {
	var g hlmGolden
	if err := golden.Load("change_hlm.json", &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Cases) != 3 {
		t.Fatalf("%d golden cases, want 3", len(g.Cases))
	}
	for _, c := range g.Cases {
		d := Long{Patient: c.Data.ID, Time: toF(c.Data.Time), Score: toF(c.Data.Score)}
		o := RCIOptions{Method: HLM}
		if c.Better == "higher" {
			o.Better = Higher
		}
		r, err := HLMDistribution(d, o)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if r.NOriginal != c.NOriginal || r.NUsed != c.NUsed || len(r.Persons) != len(c.Persons.ID) {
			t.Fatalf("%s: n %d/%d (%d persons), want %d/%d", c.Name, r.NUsed, r.NOriginal, len(r.Persons), c.NUsed, c.NOriginal)
		}
		if !sameNum(float64(r.CriticalValue), c.CriticalValue, 1e-12) {
			t.Errorf("%s: critical value %v, want %v", c.Name, r.CriticalValue, c.CriticalValue)
		}
		f := r.HLM
		for _, x := range []struct {
			what      string
			got, want float64
			tol       float64
		}{
			{"intercept", float64(f.Intercept), c.Model.Fixef[0], hlmTolModel},
			{"slope", float64(f.Slope), c.Model.Fixef[1], hlmTolModel},
			{"sigma2", float64(f.ResidualVariance), c.Model.Sigma2, hlmTolModel},
			{"logLik", float64(f.LogLik), c.Model.LogLik, hlmTolLL},
			{"theta1", f.Theta[0], c.Model.Theta[0], hlmTolTheta},
			{"theta2", f.Theta[1], c.Model.Theta[1], hlmTolTheta},
			{"theta3", f.Theta[2], c.Model.Theta[2], hlmTolTheta},
		} {
			if !sameNum(x.got, x.want, x.tol) {
				t.Errorf("%s: %s %.10g, want %.10g (tol %g)", c.Name, x.what, x.got, x.want, x.tol)
			}
		}
		if f.NObs != c.Model.NObs {
			t.Errorf("%s: nobs %d, want %d", c.Name, f.NObs, c.Model.NObs)
		}
		p := c.Persons
		for i, x := range r.Persons {
			s := f.Slopes[i]
			if x.ID != p.ID[i] || s.ID != p.ID[i] || s.N != p.N[i] || float64(x.Pre) != p.Pre[i] || float64(x.Post) != p.Post[i] {
				t.Errorf("%s: person %d = %s n %d pre %v post %v, want %s n %d pre %v post %v",
					c.Name, i, x.ID, s.N, x.Pre, x.Post, p.ID[i], p.N[i], p.Pre[i], p.Post[i])
			}
			// EB deviations are compared on the scale of the SD (some are ~0).
			if math.Abs(float64(s.EB)-p.EB[i]) > hlmTolEB*p.SD[i] || !sameNum(float64(s.SD), p.SD[i], hlmTolModel) ||
				math.Abs(float64(x.RCI)-p.RCI[i]) > hlmTolModel*math.Max(1, math.Abs(p.RCI[i])) {
				t.Errorf("%s: %s EB %.10g SD %.10g z %.10g, want %.10g %.10g %.10g", c.Name, x.ID, s.EB, s.SD, x.RCI, p.EB[i], p.SD[i], p.RCI[i])
			}
			want := Unchanged
			if p.Improved[i] {
				want = Improved
			} else if p.Deteriorated[i] {
				want = Deteriorated
			}
			if x.Category != want {
				t.Errorf("%s: %s %s, want %s", c.Name, x.ID, x.Category, want)
			}
		}
		for _, s := range r.Summary {
			if s.N != c.Distribution[string(s.Category)] {
				t.Errorf("%s: distribution %s %d, want %d", c.Name, s.Category, s.N, c.Distribution[string(s.Category)])
			}
		}
		for _, k := range c.Combined {
			n := Norms{Type: CutoffType(k.Type[0])}
			if k.MFunctional != nil {
				n.MFunctional, n.SDFunctional = *k.MFunctional, *k.SDFunctional
			}
			rc, err := HLMCombined(d, o, n)
			if err != nil {
				t.Fatalf("%s cutoff %s: %v", c.Name, k.Type, err)
			}
			if !sameNum(float64(rc.Cutoff.Value), k.Cutoff, 1e-12) || !sameNum(float64(rc.Cutoff.MClinical), k.MClinical, 1e-12) ||
				!sameNum(float64(rc.Cutoff.SDClinical), k.SDClinical, 1e-12) {
				t.Errorf("%s cutoff %s: %v (M %v SD %v), want %v (%v, %v)", c.Name, k.Type, rc.Cutoff.Value, rc.Cutoff.MClinical, rc.Cutoff.SDClinical, k.Cutoff, k.MClinical, k.SDClinical)
			}
			for i, x := range rc.Persons {
				if x.ClinicalPre != k.ClinicalPre[i] || x.FunctionalPost != k.FunctionalPost[i] {
					t.Errorf("%s cutoff %s: %s clinical_pre %v functional_post %v, want %v %v", c.Name, k.Type, x.ID, x.ClinicalPre, x.FunctionalPost, k.ClinicalPre[i], k.FunctionalPost[i])
				}
			}
			for _, s := range rc.Summary {
				if s.N != k.Counts[string(s.Category)] {
					t.Errorf("%s cutoff %s: %s %d, want %d", c.Name, k.Type, s.Category, s.N, k.Counts[string(s.Category)])
				}
			}
		}
	}
}

// clausLong is claus_2020's HAM-D in long form (all four waves).
func clausLong(t *testing.T, col string) Long {
	d := readCSV(t, "claus_2020.csv")
	var l Long
	for i := range d.rows {
		l.Patient = append(l.Patient, d.str(t, i, "id"))
		l.Time = append(l.Time, d.num(t, i, "time"))
		l.Score = append(l.Score, d.num(t, i, col))
	}
	return l
}

// TestHLMSnapshots: the package's published HLM snapshots on claus_2020
// (cs_distribution and cs_combined with rci_method = "HLM"; pre = and post =
// are ignored by the package for HLM, which uses every wave).
func TestHLMSnapshots(t *testing.T) {
	d := clausLong(t, "hamd")
	ran := 0
	for _, file := range []string{"reference_test_snapshot_cs_distribution.md", "reference_test_snapshot_cs_combined.md"} {
		for _, s := range readSnapshots(t, file) {
			if m, _ := s.arg(t, "rci_method"); m != "HLM" {
				continue
			}
			if !strings.Contains(s.call, "claus_2020, id, time, hamd") {
				t.Fatalf("unexpected call %s", s.call)
			}
			var r *Result
			var err error
			if strings.HasPrefix(s.call, "cs_distribution(") {
				r, err = HLMDistribution(d, RCIOptions{Method: HLM})
			} else {
				ct, _ := s.arg(t, "cutoff_type")
				r, err = HLMCombined(d, RCIOptions{Method: HLM}, Norms{Type: CutoffType(ct[0]), MFunctional: s.num(t, "m_functional"), SDFunctional: s.num(t, "sd_functional")})
			}
			if err != nil {
				t.Fatalf("%s: %v", s.call, err)
			}
			checkSummary(t, s, r)
			ran++
		}
	}
	if ran != 2 {
		t.Errorf("%d HLM snapshots compared, want 2", ran)
	}
}

// TestHLMProperties: invariances that must hold for the method.
func TestHLMProperties(t *testing.T) {
	d := clausLong(t, "hamd")
	base, err := HLMDistribution(d, RCIOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if base.Method != HLM || base.Approach != "distribution" {
		t.Errorf("method %q approach %q", base.Method, base.Approach)
	}
	// Higher is better mirrors the categories, z unchanged.
	hi, err := HLMDistribution(d, RCIOptions{Better: Higher})
	if err != nil {
		t.Fatal(err)
	}
	mirror := map[Category]Category{Improved: Deteriorated, Deteriorated: Improved, Unchanged: Unchanged}
	for i, x := range base.Persons {
		if hi.Persons[i].RCI != x.RCI || hi.Persons[i].Category != mirror[x.Category] {
			t.Errorf("%s: higher-is-better %s (z %v), lower %s", x.ID, hi.Persons[i].Category, hi.Persons[i].RCI, x.Category)
		}
	}
	// Shifting and rescaling time leaves the slope z unchanged (the random
	// slope covariance is unstructured); rescaling scores by a > 0 too.
	sh := Long{Patient: d.Patient, Time: make([]float64, len(d.Time)), Score: make([]float64, len(d.Score))}
	for i := range d.Time {
		sh.Time[i] = 2*d.Time[i] - 5
		sh.Score[i] = 3*d.Score[i] + 7
	}
	rs, err := HLMDistribution(sh, RCIOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range base.Persons {
		if math.Abs(float64(rs.Persons[i].RCI-x.RCI)) > 1e-5 {
			t.Errorf("%s: z %v after affine time/score change, %v before", x.ID, rs.Persons[i].RCI, x.RCI)
		}
	}
	if !sameNum(float64(rs.HLM.Slope), 1.5*float64(base.HLM.Slope), 1e-6) {
		t.Errorf("slope %v after time×2, score×3: want 1.5 × %v", rs.HLM.Slope, base.HLM.Slope)
	}
	// Reversing the order of the patients (rows kept in time order within
	// each patient) changes nothing but the order of Persons.
	var rev Long
	for lo := len(d.Patient); lo > 0; {
		hi := lo
		for lo > 0 && d.Patient[lo-1] == d.Patient[hi-1] {
			lo--
		}
		rev.Patient = append(rev.Patient, d.Patient[lo:hi]...)
		rev.Time = append(rev.Time, d.Time[lo:hi]...)
		rev.Score = append(rev.Score, d.Score[lo:hi]...)
	}
	rr, err := HLMDistribution(rev, RCIOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := len(base.Persons)
	for i, x := range base.Persons {
		y := rr.Persons[n-1-i]
		if y.ID != x.ID || y.Category != x.Category || math.Abs(float64(y.RCI-x.RCI)) > 1e-6 || y.Pre != x.Pre || y.Post != x.Post {
			t.Errorf("%s: reversed order gives %s z %v, want z %v", x.ID, y.ID, y.RCI, x.RCI)
		}
	}
	// Groups: per-group counts add up to the overall ones.
	g := Long{Patient: d.Patient, Time: d.Time, Score: d.Score, Group: make([]string, len(d.Patient))}
	for i, id := range d.Patient {
		g.Group[i] = "odd"
		if id[len(id)-1]%2 == 0 {
			g.Group[i] = "even"
		}
	}
	rg, err := HLMCombined(g, RCIOptions{}, Norms{Type: CutoffC, MFunctional: 8, SDFunctional: 8})
	if err != nil {
		t.Fatal(err)
	}
	sum := map[Category]int{}
	for _, c := range rg.Groups {
		sum[c.Category] += c.N
	}
	for _, c := range rg.Summary {
		if sum[c.Category] != c.N {
			t.Errorf("groups: %s sums to %d, overall %d", c.Category, sum[c.Category], c.N)
		}
	}
}

func TestHLMBadInput(t *testing.T) {
	ok := Long{
		Patient: []string{"a", "a", "a", "b", "b", "b", "c", "c", "c"},
		Time:    []float64{1, 2, 3, 1, 2, 3, 1, 2, 3},
		Score:   []float64{10, 8, 5, 12, 12, 11, 9, 7, 7},
	}
	for _, tc := range []struct {
		name string
		d    Long
		o    RCIOptions
		want string
	}{
		{"length", Long{Patient: []string{"a"}, Time: []float64{1, 2}, Score: []float64{1}}, RCIOptions{}, "differ in length"},
		{"duplicate", Long{Patient: []string{"a", "a", "a"}, Time: []float64{1, 1, 2}, Score: []float64{1, 2, 3}}, RCIOptions{}, "twice"},
		{"too few", Long{Patient: []string{"a", "a", "a", "b", "b"}, Time: []float64{1, 2, 3, 1, 2}, Score: []float64{1, 2, 3, 4, 5}}, RCIOptions{}, "at least 2 patients"},
		{"missing waves", Long{Patient: []string{"a", "a", "a", "b", "b", "b"}, Time: []float64{1, 2, 3, 1, 2, 3}, Score: []float64{1, 2, 3, 4, nan, 5}}, RCIOptions{}, "at least 2 patients"},
		{"infinite", Long{Patient: []string{"a"}, Time: []float64{1}, Score: []float64{math.Inf(1)}}, RCIOptions{}, "finite"},
		{"group", Long{Patient: ok.Patient, Time: ok.Time, Score: ok.Score, Group: []string{"x", "y", "x", "x", "x", "x", "x", "x", "x"}}, RCIOptions{}, "one group"},
		{"method", ok, RCIOptions{Method: JT, Reliability: .8}, "need rci method HLM"},
		{"level", ok, RCIOptions{SignificanceLevel: 2}, "significance level"},
	} {
		_, err := HLMDistribution(tc.d, tc.o)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, err := HLMCombined(ok, RCIOptions{}, Norms{Type: CutoffC}); err == nil || !strings.Contains(err.Error(), "functional") {
		t.Errorf("cutoff c without norms: %v", err)
	}
	pairs := []Pair{{ID: "a", Pre: 1, Post: 2}, {ID: "b", Pre: 3, Post: 1}}
	for name, f := range map[string]func() error{
		"Distribution": func() error { _, err := Distribution(pairs, RCIOptions{Method: HLM}); return err },
		"Combined":     func() error { _, err := Combined(pairs, RCIOptions{Method: HLM}, Norms{}); return err },
		"Statistical":  func() error { _, err := Statistical(pairs, RCIOptions{Method: HLM}, Norms{}); return err },
	} {
		if err := f(); err == nil || !strings.Contains(err.Error(), "HLMDistribution") {
			t.Errorf("%s with HLM: %v", name, err)
		}
	}
	if m, err := ParseRCIMethod("hlm"); err != nil || m != HLM {
		t.Errorf("ParseRCIMethod(hlm) = %q, %v", m, err)
	}
}

// Multilevel (HLM) reliable change for five patients measured at four waves
// (lower is better). The output was computed with R's lme4 (lmer and
// ranef(condVar = TRUE)).
func ExampleHLMDistribution() {
	d := Long{
		Patient: []string{"1", "1", "1", "1", "2", "2", "2", "2", "3", "3", "3", "3", "4", "4", "4", "4", "5", "5", "5", "5"},
		Time:    []float64{0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3},
		Score:   []float64{30, 24, 17, 10, 28, 27, 25, 26, 31, 27, 24, 20, 26, 25, 21, 19, 29, 30, 31, 33},
	}
	r, err := HLMDistribution(d, RCIOptions{Better: Lower})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("fixed slope %.2f per wave\n", r.HLM.Slope)
	for i, x := range r.Persons {
		s := r.HLM.Slopes[i]
		fmt.Printf("patient %s: EB slope deviation %6.2f, SD %.2f, z %6.2f  %s\n", x.ID, s.EB, s.SD, x.RCI, x.Category)
	}
	// Output:
	// fixed slope -2.46 per wave
	// patient 1: EB slope deviation  -4.19, SD 0.28, z -15.07  improved
	// patient 2: EB slope deviation   1.62, SD 0.28, z   5.82  deteriorated
	// patient 3: EB slope deviation  -1.06, SD 0.28, z  -3.82  improved
	// patient 4: EB slope deviation  -0.13, SD 0.28, z  -0.47  unchanged
	// patient 5: EB slope deviation   3.77, SD 0.28, z  13.54  deteriorated
}

// BenchmarkHLMDistribution: 10,000 patients × 8 waves (80,000 rows) of
// simulated growth curves.
func BenchmarkHLMDistribution(b *testing.B) {
	const np, nw = 10000, 8
	d := Long{Patient: make([]string, 0, np*nw), Time: make([]float64, 0, np*nw), Score: make([]float64, 0, np*nw)}
	seed := uint64(1)
	unif := func() float64 { // xorshift64*, deterministic
		seed ^= seed >> 12
		seed ^= seed << 25
		seed ^= seed >> 27
		return float64((seed*2685821657736338717)>>11) / (1 << 53)
	}
	norm := func() float64 { return math.Sqrt(-2*math.Log(1-unif())) * math.Cos(2*math.Pi*unif()) }
	for i := 0; i < np; i++ {
		id := fmt.Sprint(i)
		b0, b1 := 25+5*norm(), -1.5+0.8*norm()
		for w := 0; w < nw; w++ {
			d.Patient = append(d.Patient, id)
			d.Time = append(d.Time, float64(w))
			d.Score = append(d.Score, b0+b1*float64(w)+3*norm())
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := HLMDistribution(d, RCIOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
