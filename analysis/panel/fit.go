package panel

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/sem"
)

// Options configure Fit.
type Options struct {
	// Listwise drops cases with a missing wave instead of FIML.
	Listwise bool
	// Level of the confidence intervals (default 0.95).
	Level float64
	// Information (sem.Observed, default, or sem.Expected) and Estimator
	// (sem.ML, default, or sem.MLR) of the standard errors; see
	// sem.Options.
	Information, Estimator string
}

// LaggedEffect is one lagged path of a fitted panel model, in the names
// of the JSON contract: from/to are the variable names, Wave the later
// wave (0 when Stationary: one value for every wave).
type LaggedEffect struct {
	From     string  `json:"from"`
	To       string  `json:"to"`
	Wave     *int    `json:"wave"`
	Estimate float64 `json:"estimate"`
	SE       float64 `json:"se"`
	P        float64 `json:"p"`
	CILB     float64 `json:"ci_lb"`
	CIUB     float64 `json:"ci_ub"`
	StdAll   float64 `json:"std_all"`
}

// Result is a fitted panel model.
type Result struct {
	Spec Spec `json:"-"`
	*sem.Result
	Lagged []LaggedEffect `json:"lagged"`
	// LongRun are the long-run (cumulative) effects of the stationary
	// models and the DPM (see longRunVAR); empty, with LongRunErr a
	// *NonStationaryError, when the lagged process is not stationary.
	LongRun    []LongRunEffect `json:"long_run"`
	LongRunErr error           `json:"-"`
}

// Fit fits the panel model to wide data: rows are persons, columns
// X1..XT then Y1..YT, NaN for a missing wave.
func Fit(rows [][]float64, s Spec, opt Options) (*Result, error) {
	if s.X == "" {
		s.X = "x"
	}
	if s.Y == "" {
		s.Y = "y"
	}
	if s.Kind == DPM && s.Outcome != "" && s.Outcome != "x" && s.Outcome != "y" {
		return nil, fmt.Errorf("panel: the DPM's outcome is x or y, not %q", s.Outcome)
	}
	if c := s.dropped(); c >= 0 {
		rows = dropColumn(rows, c)
	}
	P := 2 * s.Waves
	if s.dropped() >= 0 {
		P--
	}
	mean, vr := make([]float64, P), make([]float64, P)
	for j := 0; j < P; j++ {
		var n, sum, ss float64
		for _, r := range rows {
			if j < len(r) && !math.IsNaN(r[j]) {
				n++
				sum += r[j]
			}
		}
		if n > 0 {
			mean[j] = sum / n
		}
		for _, r := range rows {
			if j < len(r) && !math.IsNaN(r[j]) {
				d := r[j] - mean[j]
				ss += d * d
			}
		}
		vr[j] = 1
		if n > 1 && ss > 0 {
			vr[j] = ss / n
		}
	}
	m, lags, err := Build(s, mean, vr)
	if err != nil {
		return nil, err
	}
	d, err := sem.NewData(rows, opt.Listwise)
	if err != nil {
		return nil, err
	}
	fit, err := sem.Fit(m, d, sem.Options{Level: opt.Level, Information: opt.Information, Estimator: opt.Estimator})
	if fit == nil {
		return nil, err
	}
	out := &Result{Spec: s, Result: fit}
	seen := map[string]bool{}
	for _, l := range lags {
		pr := fit.Parameters[l.param]
		key := l.From + ">" + l.To
		constant := s.Stationary || s.Kind == DPM
		if constant {
			if seen[key] {
				continue
			}
			seen[key] = true
		}
		e := LaggedEffect{From: name(s, l.From), To: name(s, l.To), Estimate: pr.Estimate, StdAll: pr.StdAll, SE: math.NaN(), P: math.NaN(), CILB: math.NaN(), CIUB: math.NaN()}
		if !constant {
			w := l.Wave
			e.Wave = &w
		}
		if pr.SE != nil {
			e.SE, e.P, e.CILB, e.CIUB = *pr.SE, *pr.P, *pr.CILB, *pr.CIUB
		}
		out.Lagged = append(out.Lagged, e)
	}
	level := opt.Level
	if level == 0 {
		level = 0.95
	}
	out.longRun(lags, level)
	if out.LongRun == nil {
		out.LongRun = []LongRunEffect{} // JSON [], not null, for the models without long-run effects
	}
	return out, err
}

// dropColumn returns the rows without column c.
func dropColumn(rows [][]float64, c int) [][]float64 {
	out := make([][]float64, len(rows))
	for i, r := range rows {
		if c >= len(r) {
			out[i] = r
			continue
		}
		nr := make([]float64, 0, len(r)-1)
		nr = append(nr, r[:c]...)
		out[i] = append(nr, r[c+1:]...)
	}
	return out
}

func name(s Spec, v string) string {
	if v == "x" {
		if s.X != "" {
			return s.X
		}
		return "x"
	}
	if s.Y != "" {
		return s.Y
	}
	return "y"
}
