package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"github.com/alliance-research/alliance/analysis/jsonout"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/analysis/effectsize"
	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/metamv"
	"github.com/alliance-research/alliance/analysis/sessions"
	"github.com/alliance-research/alliance/datasets"
)

// demoInput loads the embedded demo data as the command-line program does.
func demoInput(t testing.TB) Input {
	t.Helper()
	st, err := datasets.EmbeddedStudies("demo-studies", datasets.StudyOptions{FisherZ: true})
	if err != nil {
		t.Fatal(err)
	}
	ss, err := datasets.EmbeddedSessions("demo-sessions")
	if err != nil {
		t.Fatal(err)
	}
	return Input{
		Studies: st, StudiesSource: Source{Name: "demo-studies", Embedded: true, Simulated: true, Rows: st.K()},
		Sessions: ss, SessionsSource: Source{Name: "demo-sessions", Embedded: true, Simulated: true, Rows: ss.Len()},
	}
}

func buildFiles(t testing.TB, in Input, opt Options) (*Report, map[string][]byte) {
	t.Helper()
	r, err := Build(in, opt)
	if err != nil {
		t.Fatal(err)
	}
	files, err := r.Files()
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]byte{}
	for _, f := range files {
		m[f.Path] = f.Data
	}
	return r, m
}

// TestNumbersEqualTheLibrary checks key numbers of results.json against the
// analyses run independently here, from the data, with the libraries'
// documented defaults (and by hand for the reliable-change cut-off).
func TestNumbersEqualTheLibrary(t *testing.T) {
	in := demoInput(t)
	_, files := buildFiles(t, in, Options{NoPDF: true, DPI: 72})
	var got struct {
		Simulated bool `json:"simulated"`
		Meta      struct {
			Model struct {
				K            int `json:"k"`
				Coefficients []struct {
					Estimate float64 `json:"estimate"`
				} `json:"coefficients"`
				Tau2 float64 `json:"tau2"`
				R    struct {
					Estimate, CILB, CIUB float64
				} `json:"r"`
			} `json:"model"`
			ThreeLevel struct {
				Sigma2 [2]float64 `json:"sigma2"`
				Robust struct {
					Coefficients []struct {
						SE float64 `json:"se"`
						DF float64 `json:"df"`
					} `json:"coefficients"`
				} `json:"robust"`
			} `json:"three_level"`
		} `json:"meta"`
		Sessions struct {
			Model struct {
				Fixed []struct {
					Name     string  `json:"name"`
					Estimate float64 `json:"estimate"`
				} `json:"fixed"`
			} `json:"model"`
			Gains struct {
				Cutoff struct {
					RC float64 `json:"reliable_change_value"`
				} `json:"rci_cutoff"`
			} `json:"sudden_gains"`
			Change struct {
				NUsed   int `json:"n_used"`
				Summary []struct {
					N int `json:"n"`
				} `json:"summary"`
			} `json:"reliable_change"`
		} `json:"sessions"`
	}
	if err := json.Unmarshal(files["results.json"], &got); err != nil {
		t.Fatalf("results.json does not parse: %v", err)
	}
	if !got.Simulated {
		t.Error("demo data not marked simulated in results.json")
	}

	// Pooled r: escalc ZCOR + REML, back-transformed.
	tab, err := effectsize.Escalc(effectsize.MeasureZCOR, "", in.Studies.R, in.Studies.N)
	if err != nil {
		t.Fatal(err)
	}
	want, err := meta.Fit(tab.Yi, tab.Vi, meta.Options{Measure: "ZCOR"})
	if err != nil {
		t.Fatal(err)
	}
	m := got.Meta.Model
	if m.K != want.K || m.R.Estimate != want.R.Estimate || m.Coefficients[0].Estimate != want.Coefficients[0].Estimate || m.Tau2 != want.Tau2 {
		t.Errorf("pooled model: got k=%d r=%v z=%v tau2=%v, want k=%d r=%v z=%v tau2=%v", m.K, m.R.Estimate, m.Coefficients[0].Estimate, m.Tau2,
			want.K, want.R.Estimate, want.Coefficients[0].Estimate, want.Tau2)
	}
	if d := math.Abs(m.R.Estimate - math.Tanh(m.Coefficients[0].Estimate)); d > 1e-15 {
		t.Errorf("r = %v is not tanh(z = %v)", m.R.Estimate, m.Coefficients[0].Estimate)
	}
	// The page shows the pooled r in APA style.
	if page := string(files["index.html"]); !strings.Contains(page, "r = "+strings.TrimPrefix(strings.TrimPrefix(trimR(want.R.Estimate), "0"), "0")) {
		t.Errorf("index.html does not show r = %s", trimR(want.R.Estimate))
	}

	// Three-level model with study as the outer level.
	var study []string
	for _, v := range in.Studies.Cluster {
		if v.Name == "study" {
			study = v.Text
		}
	}
	var esid []string
	for _, v := range in.Studies.Mods {
		if v.Name == "es_id" {
			esid = make([]string, len(v.Num))
			for i, x := range v.Num {
				esid[i] = strconv.FormatFloat(x, 'g', -1, 64)
			}
		}
	}
	if study == nil {
		t.Fatal("demo-studies: no study cluster")
	}
	mv, err := metamv.Fit(tab.Yi, tab.Vi, study, esid, metamv.Options{Measure: "ZCOR"})
	if err != nil {
		t.Fatal(err)
	}
	if g, w := got.Meta.ThreeLevel.Sigma2, mv.Sigma2; math.Abs(g[0]-w[0]) > 1e-12 || math.Abs(g[1]-w[1]) > 1e-12 {
		t.Errorf("three-level sigma2 = %v, want %v", g, w)
	}
	rob, err := metamv.ClusterRobust(mv, study, metamv.RobustOptions{Type: "CR2"})
	if err != nil {
		t.Fatal(err)
	}
	if g := got.Meta.ThreeLevel.Robust.Coefficients; len(g) != 1 || math.Abs(g[0].SE-rob.Coefficients[0].SE) > 1e-12 || math.Abs(g[0].DF-rob.Coefficients[0].DF) > 1e-9 {
		t.Errorf("CR2 = %+v, want se %v df %v", g, rob.Coefficients[0].SE, rob.Coefficients[0].DF)
	}

	// Lagged within/between model.
	ss := in.Sessions
	sres, err := sessions.Fit(sessions.Data{Patient: ss.Patient.Strings(), Therapist: ss.Therapist.Strings(), Session: ss.Session, Alliance: ss.Alliance, Outcome: ss.Outcome},
		sessions.Options{Model: sessions.Lagged, Centring: sessions.PersonMean})
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, g := range got.Sessions.Model.Fixed {
		for _, w := range sres.Fixed {
			if g.Name == w.Name {
				found++
				if g.Estimate != w.Estimate {
					t.Errorf("lagged model %s = %v, want %v", g.Name, g.Estimate, w.Estimate)
				}
			}
		}
	}
	if found != len(sres.Fixed) || found == 0 {
		t.Errorf("lagged model: %d of %d fixed effects found", found, len(sres.Fixed))
	}

	// Sudden-gain cut-off by hand: 1.96·√2·SD·√(1 − .84), SD of the
	// first session's scores (sample SD, n − 1).
	var first []float64
	for i, s := range ss.Session {
		if s == 1 {
			first = append(first, ss.Outcome[i])
		}
	}
	var mean, ssq float64
	for _, x := range first {
		mean += x
	}
	mean /= float64(len(first))
	for _, x := range first {
		ssq += (x - mean) * (x - mean)
	}
	sd := math.Sqrt(ssq / float64(len(first)-1))
	if g, w := got.Sessions.Gains.Cutoff.RC, 1.96*math.Sqrt(2)*sd*math.Sqrt(1-0.84); math.Abs(g-w) > 1e-9*w {
		t.Errorf("sudden-gain cutoff = %v, want %v", g, w)
	}
	// Reliable change: the categories partition the patients used.
	n := 0
	for _, c := range got.Sessions.Change.Summary {
		n += c.N
	}
	if n != got.Sessions.Change.NUsed || n != len(ss.Patient.Levels) {
		t.Errorf("reliable change: categories sum to %d, n_used %d, patients %d", n, got.Sessions.Change.NUsed, len(ss.Patient.Levels))
	}
	_ = change.JT
}

func trimR(r float64) string {
	s := jsonNum(math.Round(r*100) / 100)
	return strings.TrimPrefix(s, "0")
}

func jsonNum(x float64) string {
	b, _ := json.Marshal(x)
	return string(b)
}

// TestSelfContained: no external resources, no scripts; every figure is
// an inline <svg> and every font a data: URI.
func TestSelfContained(t *testing.T) {
	_, files := buildFiles(t, demoInput(t), Options{NoPDF: true, DPI: 72})
	page := string(files["index.html"])
	for _, re := range []string{`(?i)<script`, `(?i)<link\b`, `(?i)<iframe`, `(?i)(src|href)\s*=\s*["']?(https?:)?//`, `(?i)@import`} {
		if m := regexp.MustCompile(re).FindString(page); m != "" {
			t.Errorf("index.html has %q", m)
		}
	}
	for _, m := range regexp.MustCompile(`(?i)<img[^>]*>`).FindAllString(page, -1) {
		if !strings.Contains(m, `src="data:`) {
			t.Errorf("image not embedded: %.80s", m)
		}
	}
	for _, m := range regexp.MustCompile(`url\(([^)]{0,40})`).FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(strings.Trim(m[1], `'" `), "data:") {
			t.Errorf("url() not a data: URI: %s", m[1])
		}
	}
	for _, m := range regexp.MustCompile(`\b(src|href)="([^"#][^"]*)"`).FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[2], "data:") {
			t.Errorf("%s=%q refers outside the page", m[1], m[2])
		}
	}
	svgs := strings.Count(page, "<svg ")
	figs := 0
	for p := range files {
		if strings.HasSuffix(p, ".svg") {
			figs++
		}
	}
	if svgs != figs || figs < 10 {
		t.Errorf("%d inline <svg> elements for %d figure files (want equal, ≥ 10)", svgs, figs)
	}
	if !strings.Contains(page, "SIMULATED DATA") {
		t.Error("demo report does not say SIMULATED DATA")
	}
	for _, id := range []string{"data", "meta", "meta-bias", "meta-threelevel", "sessions-model", "sessions-ruptures", "sessions-gains", "sessions-change", "methods", "references", "reproduce"} {
		if !strings.Contains(page, `id="`+id+`"`) || !strings.Contains(page, `href="#`+id+`"`) {
			t.Errorf("section %s missing from the page or its table of contents", id)
		}
	}
}

// TestDeterministic: two builds from the same input give the same bytes.
func TestDeterministic(t *testing.T) {
	_, a := buildFiles(t, demoInput(t), Options{DPI: 72})
	_, b := buildFiles(t, demoInput(t), Options{DPI: 72})
	if len(a) != len(b) {
		t.Fatalf("%d vs %d files", len(a), len(b))
	}
	for p, x := range a {
		if !bytes.Equal(x, b[p]) {
			t.Errorf("%s differs between two runs", p)
		}
	}
	if _, ok := a["figures/forest.pdf"]; !ok {
		t.Error("no figures/forest.pdf")
	}
	// A date appears only when asked for.
	_, c := buildFiles(t, demoInput(t), Options{DPI: 72, NoPDF: true, Date: "2 March 2026"})
	if !bytes.Contains(c["index.html"], []byte("2 March 2026")) || bytes.Contains(a["index.html"], []byte("2026")) {
		t.Error("date handling: --date not shown, or a date shown without it")
	}
}

func TestSave(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	files := []File{{"index.html", []byte("<p>1</p>")}, {"results.json", []byte(`{"generator": "` + Generator + `"}`)}, {"figures/a.svg", []byte("<svg/>")}}
	if err := Save(dir, files, false); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "figures", "a.svg")); string(b) != "<svg/>" {
		t.Fatal("figure not written")
	}
	// A previous report is replaced, with nothing of it left over.
	os.WriteFile(filepath.Join(dir, "figures", "stale.png"), []byte("x"), 0o644)
	files[0].Data = []byte("<p>2</p>")
	if err := Save(dir, files, false); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "index.html")); string(b) != "<p>2</p>" {
		t.Error("report not replaced")
	}
	if _, err := os.Stat(filepath.Join(dir, "figures", "stale.png")); err == nil {
		t.Error("a file of the previous report survived")
	}
	// A directory that is not a report is refused and left alone.
	other := filepath.Join(parent, "thesis")
	os.Mkdir(other, 0o755)
	os.WriteFile(filepath.Join(other, "chapter1.docx"), []byte("mine"), 0o644)
	if err := Save(other, files, false); !errors.Is(err, ErrNotReport) {
		t.Errorf("Save over a foreign directory: err = %v, want ErrNotReport", err)
	}
	if b, _ := os.ReadFile(filepath.Join(other, "chapter1.docx")); string(b) != "mine" {
		t.Error("foreign file changed")
	}
	if _, err := os.Stat(filepath.Join(other, "index.html")); err == nil {
		t.Error("report written into a foreign directory")
	}
	if err := Save(other, files, true); err != nil {
		t.Errorf("--force: %v", err)
	}
	// An empty directory is fine; a failure leaves nothing behind.
	empty := filepath.Join(parent, "empty")
	os.Mkdir(empty, 0o755)
	if err := Save(empty, files, false); err != nil {
		t.Errorf("empty directory: %v", err)
	}
	bad := filepath.Join(parent, "bad")
	if err := Save(bad, append(files, File{"../escape", nil}), false); err == nil {
		t.Error("a path leaving the directory was accepted")
	}
	if _, err := os.Stat(bad); err == nil {
		t.Error("a failed Save left the output directory")
	}
	ents, _ := os.ReadDir(parent)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary %s left behind", e.Name())
		}
	}
}

func TestJSONWritesNaNAsNull(t *testing.T) {
	type inner struct {
		A float64 `json:"a"`
	}
	v := struct {
		inner
		X  float64           `json:"x"`
		Y  []float64         `json:"y,omitempty"`
		M  map[string]int    `json:"m"`
		P  *float64          `json:"p"`
		F  change.Float      `json:"f"`
		S  string            `json:"-"`
		MM map[string]string `json:"mm,omitempty"`
	}{inner{math.Inf(1)}, math.NaN(), []float64{1.5, math.NaN()}, map[string]int{"b": 2, "a": 1}, nil, change.Float(math.NaN()), "skip", nil}
	b, err := jsonout.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	compact := strings.Join(strings.Fields(string(b)), "")
	if want := `{"x":null,"y":[1.5,null],"m":{"a":1,"b":2},"p":null,"f":null,"a":null}`; compact != want {
		t.Errorf("got %s, want %s", compact, want)
	}
}

func TestBuildErrors(t *testing.T) {
	if _, err := Build(Input{}, Options{}); err == nil {
		t.Error("no data: no error")
	}
	in := demoInput(t)
	in.Sessions = nil
	if _, err := Build(in, Options{Reliability: 1.2}); err == nil {
		t.Error("reliability 1.2 accepted")
	}
	r, err := Build(in, Options{NoPDF: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Results.Sessions != nil || r.Results.Meta == nil {
		t.Error("studies only: wrong sections")
	}
}
