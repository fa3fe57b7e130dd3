package workflow

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The panel Part on the demo sessions: waves chosen and said, lagged rows
// named by the columns and labelled by session, lavaan code that writes the
// same model, and the numbers of the engine (tested against lavaan in
// package panel).
func TestPanelPart(t *testing.T) {
	run, err := Panel(embedded(t, "demo-sessions"), PanelOptions{Stationary: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Waves) < 3 || run.Patients == 0 || !run.Converged {
		t.Fatalf("waves %v patients %d converged %v", run.Waves, run.Patients, run.Converged)
	}
	if len(run.Lagged) != 4 || run.Lagged[0].Wave != nil {
		t.Fatalf("stationary: %d lagged rows", len(run.Lagged))
	}
	var cross float64
	for _, l := range run.Lagged {
		if l.From == "alliance" && l.To == "outcome" {
			cross = l.Estimate
		}
	}
	if cross == 0 || math.IsNaN(cross) {
		t.Errorf("no alliance → outcome path: %+v", run.Lagged)
	}
	if len(run.TopNotes()) == 0 || !strings.Contains(run.TopNotes()[0].Text, "Waves: sessions") {
		t.Errorf("waves not said: %v", run.TopNotes())
	}
	rc := run.Steps()[0].RCode
	for _, w := range []string{"RIx =~ 1*x1", "wy2 ~ ay*wy1 + byx*wx1", `missing = "ML"`, "reshape("} {
		if !strings.Contains(rc, w) {
			t.Errorf("R code lacks %q", w)
		}
	}
	if _, err := Panel(embedded(t, "demo-sessions"), PanelOptions{Waves: []int{1, 2}}); err == nil || !strings.Contains(err.Error(), "at least 3 waves") {
		t.Errorf("two waves: %v", err)
	}
}

// The generated lavaan code refits the same model: run in R (where
// lavaan is installed) it gives our estimates, SEs, log-likelihood and
// long-run effects, for the DPM with MLR and the stationary RI-CLPM with
// expected-information SEs.
func TestPanelRCodeRunsInR(t *testing.T) {
	rs, err := exec.LookPath("Rscript")
	if err != nil {
		t.Skip("Rscript not installed: the generated R code is not run")
	}
	if exec.Command(rs, "-e", "library(lavaan); library(jsonlite)").Run() != nil {
		t.Skip("R lacks lavaan or jsonlite: the generated R code is not run")
	}
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join("..", "..", "datasets", "data", "demo-sessions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if werr := os.WriteFile(filepath.Join(dir, "demo-sessions.csv"), data, 0o644); werr != nil {
		t.Fatal(werr)
	}
	for _, opt := range []PanelOptions{
		{Model: "dpm", Estimator: "MLR", Waves: []int{1, 2, 3, 4, 5}},
		{Stationary: true, Information: "expected", Waves: []int{1, 2, 3, 4, 5}},
		{Stationary: true, Constrain: []string{"cov", "resid", "means"}, Waves: []int{1, 2, 3, 4, 5}},
		{Constrain: []string{"cov", "resid"}, Estimator: "MLR", Waves: []int{1, 2, 3, 4, 5}},
		{Model: "dpm", Constrain: []string{"resid"}, Waves: []int{1, 2, 3, 4, 5}},
	} {
		run, err := Panel(embedded(t, "demo-sessions"), opt)
		if err != nil {
			t.Fatal(err)
		}
		code := run.Steps()[0].RCode + `
pe <- parameterEstimates(fit)
cat("\n", jsonlite::toJSON(list(key = paste0(pe$lhs, pe$op, pe$rhs), lhs = pe$lhs, op = pe$op, est = pe$est, se = pe$se, logl = fitMeasures(fit, "logl")[[1]]), digits = NA, auto_unbox = TRUE), "\n")
`
		cmd := exec.Command(rs, "-e", code)
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("the generated R code failed: %v\n%s", err, code)
		}
		s := string(out)
		var got struct {
			Key, LHS, Op []string
			Est, SE      []float64
			Logl         float64
		}
		if err := json.Unmarshal([]byte(s[strings.LastIndex(s, "{"):]), &got); err != nil {
			t.Fatalf("R output %q: %v", s, err)
		}
		if math.Abs(run.Fit.LogLik-got.Logl) > 1e-6*math.Abs(got.Logl) {
			t.Errorf("%s: logLik %.10g, R %.10g", run.Model, run.Fit.LogLik, got.Logl)
		}
		ours := map[string][2]float64{}
		for _, p := range run.Parameters {
			if p.SE != nil {
				ours[p.LHS+p.Op+p.RHS] = [2]float64{p.Estimate, *p.SE}
			}
		}
		lr := map[string][2]float64{}
		for _, l := range run.LongRun {
			lr[l.From+">"+l.To] = [2]float64{l.Estimate, l.SE}
		}
		lrName := map[string]string{"lr": "alliance>outcome", "lr_x_x": "alliance>alliance", "lr_y_x": "outcome>alliance", "lr_x_y": "alliance>outcome", "lr_y_y": "outcome>outcome"}
		n := 0
		for i, k := range got.Key {
			var o [2]float64
			var ok bool
			if got.Op[i] == ":=" {
				if got.LHS[i] == "D" {
					continue
				}
				o, ok = lr[lrName[got.LHS[i]]]
			} else if got.SE[i] > 0 {
				o, ok = ours[k]
			} else {
				continue
			}
			if !ok {
				t.Errorf("%s: R's %s is not ours", run.Model, k)
				continue
			}
			n++
			if math.Abs(o[0]-got.Est[i]) > 1e-5*math.Max(1, math.Abs(got.Est[i])) || math.Abs(o[1]-got.SE[i]) > 1e-4*got.SE[i] {
				t.Errorf("%s: %s = %.8g (%.8g), R %.8g (%.8g)", run.Model, k, o[0], o[1], got.Est[i], got.SE[i])
			}
		}
		if n < 20 {
			t.Errorf("%s: only %d parameters compared", run.Model, n)
		}
	}
}

// The DPM of the alliance (the symmetric model): rows named by the
// columns, the long-run effect of the outcome on the alliance, the dpm
// syntax of that direction in the R code, the citations of what ran, and
// contradictory options refused naming the option.
func TestPanelDPMPart(t *testing.T) {
	run, err := Panel(embedded(t, "demo-sessions"), PanelOptions{Model: "DPM", DPMOutcome: "x", Estimator: "mlr", Waves: []int{1, 2, 3, 4, 5}})
	if err != nil {
		t.Fatal(err)
	}
	if run.DPMOutcome != "alliance" || len(run.Lagged) != 2 || len(run.LongRun) != 1 {
		t.Fatalf("outcome %q, %d lagged, %d long-run", run.DPMOutcome, len(run.Lagged), len(run.LongRun))
	}
	lr := run.LongRun[0]
	if lr.From != "outcome" || lr.To != "alliance" || !(lr.SE > 0) || math.Abs(lr.Z-lr.Estimate/lr.SE) > 1e-12 {
		t.Errorf("long run %+v", lr)
	}
	var b, a float64
	for _, l := range run.Lagged {
		switch {
		case l.From == "outcome" && l.To == "alliance":
			b = l.Estimate
		case l.From == "alliance" && l.To == "alliance":
			a = l.Estimate
		}
	}
	if math.Abs(lr.Estimate-b/(1-a)) > 1e-12 {
		t.Errorf("long run %g, β/(1 − α) = %g", lr.Estimate, b/(1-a))
	}
	rc := run.Steps()[0].RCode
	for _, w := range []string{"x2 ~ en1*y1 + p1*x1", "alpha =~ 1*x2", "lr := en1/(1 - p1)", `estimator = "MLR"`} {
		if !strings.Contains(rc, w) {
			t.Errorf("R code lacks %q", w)
		}
	}
	cmd := run.Steps()[0].Command
	if !strings.Contains(cmd, "--model dpm") || !strings.Contains(cmd, "--dpm-outcome x") || !strings.Contains(cmd, "--estimator MLR") {
		t.Errorf("command %q", cmd)
	}
	cites := strings.Join(run.Cites(), " ")
	if !strings.Contains(cites, "allison2017") || !strings.Contains(cites, "yuan2000") || strings.Contains(cites, "mulder2021") {
		t.Errorf("cites %s", cites)
	}
	if !strings.Contains(run.Methods(), "Allison, Williams & Moral-Benito, 2017") || !strings.Contains(run.Methods(), "Yuan & Bentler, 2000") {
		t.Errorf("methods %s", run.Methods())
	}
	for _, c := range []struct {
		opt   PanelOptions
		field string
	}{
		{PanelOptions{Model: "dpm", Stationary: true}, "Stationary"},
		{PanelOptions{DPMOutcome: "x"}, "DPMOutcome"},
		{PanelOptions{Model: "dpm", DPMOutcome: "z"}, "DPMOutcome"},
		{PanelOptions{Estimator: "WLS"}, "Estimator"},
		{PanelOptions{Information: "first.order"}, "Information"},
	} {
		if _, err := Panel(embedded(t, "demo-sessions"), c.opt); OptionOf(err) != c.field {
			t.Errorf("%+v: %v (option %q)", c.opt, err, OptionOf(err))
		}
	}
}

// The constraints are listed in the run, said in the text and the methods,
// and written with Mulder & Hamaker's labels into the lavaan code and the
// command line; unknown tokens and DPM-meaningless ones are refused.
func TestPanelConstrainPart(t *testing.T) {
	run, err := Panel(embedded(t, "demo-sessions"), PanelOptions{Stationary: true, Constrain: []string{"Resid", "cov", "means", "cov"}, Waves: []int{1, 2, 3, 4, 5}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(run.Constraints, ",") != "stationary,cov,resid,means" {
		t.Errorf("constraints %v", run.Constraints)
	}
	st := run.Steps()[0]
	for _, w := range []string{"wx1 ~~ wy1\n", "wx2 ~~ cov*wy2", "wx5 ~~ vx*wx5", "wy2 ~~ vy*wy2", "wy1 ~~ wy1\n", "x3 ~ mx*1", "y5 ~ my*1"} {
		if !strings.Contains(st.RCode, w) {
			t.Errorf("R code lacks %q", w)
		}
	}
	if !strings.Contains(st.Command, "--stationary --constrain cov,resid,means") {
		t.Errorf("command %q", st.Command)
	}
	if !strings.Contains(run.Methods(), "Constrained equal: the four lagged paths") {
		t.Errorf("methods: %s", run.Methods())
	}
	if _, err := Panel(embedded(t, "demo-sessions"), PanelOptions{Constrain: []string{"loadings"}}); err == nil || !strings.Contains(err.Error(), "cov, resid, means") {
		t.Errorf("unknown token: %v", err)
	}
	if _, err := Panel(embedded(t, "demo-sessions"), PanelOptions{Model: "dpm", Constrain: []string{"means"}}); err == nil {
		t.Error("DPM with means: no error")
	}
}

// The JSON of a panel run has the field names of issue #16's contract:
// parameters {lhs, op, rhs, label, estimate, se, z, p, ci_lb, ci_ub,
// std_all} (label "" when none, as lavaan), fit {logLik, npar, chisq, df,
// pvalue, cfi, tli, rmsea, rmsea_ci_lb, rmsea_ci_ub, srmr, aic, bic},
// lagged {from, to, wave, estimate, se, p, ci_lb, ci_ub, std_all} with
// wave null for the stationary model, and long_run an array ([] for the
// by-wave model, which has none).
func TestPanelJSONFields(t *testing.T) {
	for _, stationary := range []bool{false, true} {
		run, err := Panel(embedded(t, "demo-sessions"), PanelOptions{Stationary: stationary, Waves: []int{1, 2, 3, 4, 5}})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(run.Output())
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Parameters []map[string]any
			Fit        map[string]any
			Lagged     []map[string]any
			LongRun    json.RawMessage `json:"long_run"`
		}
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		has := func(what string, m map[string]any, keys string) {
			for _, k := range strings.Fields(keys) {
				if _, ok := m[k]; !ok {
					t.Errorf("stationary=%v: %s lacks %q (has %v)", stationary, what, k, m)
				}
			}
		}
		has("parameters[0]", got.Parameters[0], "lhs op rhs label estimate se z p ci_lb ci_ub std_all")
		has("fit", got.Fit, "logLik npar chisq df pvalue cfi tli rmsea rmsea_ci_lb rmsea_ci_ub srmr aic bic")
		has("lagged[0]", got.Lagged[0], "from to wave estimate se p ci_lb ci_ub std_all")
		if w := got.Lagged[0]["wave"]; stationary != (w == nil) {
			t.Errorf("stationary=%v: wave %v", stationary, w)
		}
		if lr := strings.TrimSpace(string(got.LongRun)); !strings.HasPrefix(lr, "[") || stationary == (lr == "[]") {
			t.Errorf("stationary=%v: long_run %s", stationary, lr)
		}
	}
}

// 'alliance sessions --model lagged' (the default) says that its
// specification has dynamic-panel bias and points to 'alliance panel';
// the reverse model, which is not the lagged-outcome specification of
// Falkenström et al., does not.
func TestSessionsLaggedPointsToPanel(t *testing.T) {
	for _, model := range []string{"", "reverse"} {
		run, err := Sessions(embedded(t, "demo-sessions"), SessionsOptions{Model: model})
		if err != nil {
			t.Fatal(err)
		}
		said := false
		for _, n := range run.TopNotes() {
			if strings.Contains(n.Text, "dynamic-panel (Nickell) bias") && strings.Contains(n.Text, "'alliance panel'") {
				said = true
			}
		}
		if said != (model == "") {
			t.Errorf("model %q: note said = %v; notes %v", model, said, run.TopNotes())
		}
	}
}
