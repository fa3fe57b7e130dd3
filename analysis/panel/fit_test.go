package panel

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

type lavaanCase struct {
	Name       string
	Model      string
	Parameters []struct {
		LHS    string   `json:"lhs"`
		Op     string   `json:"op"`
		RHS    string   `json:"rhs"`
		Est    float64  `json:"est"`
		SE     *float64 `json:"se"`
		StdAll *float64 `json:"std_all"`
	}
	Fit map[string]float64
}

func readPanel(t *testing.T) [][]float64 {
	f, err := os.Open("testdata/panel_sim.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]float64
	for _, r := range recs[1:] {
		row := make([]float64, len(r))
		for j, c := range r {
			if c == "" || c == "NA" {
				row[j] = math.NaN()
				continue
			}
			if row[j], err = strconv.ParseFloat(c, 64); err != nil {
				t.Fatal(err)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// The RI-CLPM, its stationary version and the CLPM with FIML equal
// lavaan 0.6-14's lavaan(model, missing = "ML", meanstructure = TRUE,
// int.ov.free = TRUE) on a simulated panel with 12% missing waves
// (testdata/golden/R/panel.R).
func TestPanelMatchesLavaan(t *testing.T) {
	p, err := golden.Path("panel_lavaan.json")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var g struct{ Cases []lavaanCase }
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	rows := readPanel(t)
	specs := map[string]Spec{
		"riclpm":            {Kind: RICLPM, Waves: 5},
		"riclpm_stationary": {Kind: RICLPM, Waves: 5, Stationary: true},
		"clpm":              {Kind: CLPM, Waves: 5},
	}
	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			res, err := Fit(rows, specs[c.Name], Options{})
			if err != nil {
				t.Fatal(err)
			}
			f := res.Fit
			for _, x := range []struct {
				name      string
				got, want float64
				tol       float64
			}{
				{"logl", f.LogLik, c.Fit["logl"], 1e-7},
				{"unrestricted.logl", f.LogLikH1, c.Fit["unrestricted.logl"], 1e-7},
				{"chisq", f.Chisq, c.Fit["chisq"], 1e-5},
				{"cfi", f.CFI, c.Fit["cfi"], 1e-5},
				{"tli", f.TLI, c.Fit["tli"], 1e-5},
				{"rmsea", f.RMSEA, c.Fit["rmsea"], 1e-5},
				{"rmsea.ci.upper", f.RMSEAUB, c.Fit["rmsea.ci.upper"], 1e-5},
				{"srmr", f.SRMR, c.Fit["srmr"], 1e-5},
				{"aic", f.AIC, c.Fit["aic"], 1e-8},
				{"bic", f.BIC, c.Fit["bic"], 1e-8},
				{"npar", float64(f.NPar), c.Fit["npar"], 0},
				{"df", float64(f.DF), c.Fit["df"], 0},
			} {
				if math.Abs(x.got-x.want) > x.tol*math.Max(1, math.Abs(x.want)) {
					t.Errorf("%s = %.10g, lavaan %.10g", x.name, x.got, x.want)
				}
			}
			// Every lavaan parameter, matched by lhs/op/rhs.
			byKey := map[string]int{}
			for i, pr := range res.Parameters {
				byKey[pr.LHS+pr.Op+pr.RHS] = i
			}
			for _, lp := range c.Parameters {
				key := lp.LHS + lp.Op + lp.RHS
				if lp.Op == "~1" {
					key = lp.LHS + "~1"
				}
				j, ok := byKey[key]
				if !ok {
					if lp.Est != 0 || lp.Op != "~1" {
						t.Errorf("parameter %s not in the model", key)
					}
					continue
				}
				pr := res.Parameters[j]
				if math.Abs(pr.Estimate-lp.Est) > 1e-5*math.Max(1, math.Abs(lp.Est)) {
					t.Errorf("%s = %.8g, lavaan %.8g", key, pr.Estimate, lp.Est)
				}
				if se := lp.SE; se != nil && *se > 0 && pr.SE != nil && math.Abs(*pr.SE-*se) > 1e-4**se {
					t.Errorf("se(%s) = %.8g, lavaan %.8g", key, *pr.SE, *se)
				}
				if sa := lp.StdAll; sa != nil && math.Abs(pr.StdAll-*sa) > 2e-5 {
					t.Errorf("std.all(%s) = %.6g, lavaan %.6g", key, pr.StdAll, *sa)
				}
			}
		})
	}
}
