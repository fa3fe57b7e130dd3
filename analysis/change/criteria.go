package change

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/wald"
)

// Direction selects sudden gains (scores fall; lower is better) or sudden
// losses (scores rise), as suddengains' identify = "sg" or "sl".
type Direction int

const (
	// Gains identifies sudden gains (identify_sg).
	Gains Direction = iota
	// Losses identifies sudden losses (identify_sl).
	Losses
)

// String returns "gains" or "losses".
func (d Direction) String() string {
	if d == Losses {
		return "losses"
	}
	return "gains"
}

// LossPctRule chooses how the relative (second) criterion is applied to
// sudden losses.
type LossPctRule int

const (
	// LossPctPackage reproduces suddengains 0.7.2's identify_sl:
	// x[p] − x[p+1] ≤ pct·x[p]. For non-negative scores every loss satisfies
	// it, so the criterion does not restrict anything.
	LossPctPackage LossPctRule = iota
	// LossPctIntended requires the rise to be at least pct of the pregain
	// score: x[p+1] − x[p] ≥ pct·x[p], the mirror image of the gain rule.
	LossPctIntended
)

// Criteria are the sudden-gain criteria, named after the arguments of
// suddengains' identify_sg / identify_sl / create_bysg. DefaultCriteria gives
// the package defaults.
type Criteria struct {
	// Direction is Gains (identify_sg) or Losses (identify_sl).
	Direction Direction
	// Cutoff is sg_crit1_cutoff: a gain needs x[p] − x[p+1] ≥ Cutoff (Cutoff ≥ 0);
	// a loss needs x[p] − x[p+1] ≤ Cutoff (Cutoff ≤ 0, e.g. −7).
	Cutoff float64
	// NoCutoff switches the first criterion off (sg_crit1_cutoff = NULL).
	NoCutoff bool
	// Pct is sg_crit2_pct, the relative criterion (default .25).
	Pct float64
	// NoPct switches the second criterion off (sg_crit2_pct = NULL).
	NoPct bool
	// NoStability switches the third criterion off (sg_crit3 = FALSE).
	NoStability bool
	// Alpha is sg_crit3_alpha (default .05): the critical value is the
	// two-sided Student t quantile qt(1 − Alpha/2, n_pre + n_post − 2).
	Alpha float64
	// FixedCritical uses CriticalValue for every interval instead of adjusting
	// the critical value for missing sessions (sg_crit3_adjust = FALSE).
	FixedCritical bool
	// CriticalValue is sg_crit3_critical_value (default 2.776), used only with
	// FixedCritical.
	CriticalValue float64
	// BaselineFirst is identify_sg_1to2: the first score of a series is a
	// baseline, so session numbers start at 0 and the first interval examined
	// is session 1 → 2.
	BaselineFirst bool
	// LossPct selects the relative rule for losses (default: the package's).
	LossPct LossPctRule
	// ReversalFromN2 starts the reversal search at the second session after
	// the pregain session (x[p+2]) in every mode. By default the package's
	// rule is reproduced: from x[p+3] without BaselineFirst, from x[p+2] with it.
	ReversalFromN2 bool
}

// DefaultCriteria returns suddengains 0.7.2's defaults for the given
// direction and absolute cutoff: Pct .25, stability criterion on with
// Alpha .05 and the critical value adjusted for missing sessions.
func DefaultCriteria(dir Direction, cutoff float64) Criteria {
	return Criteria{
		Direction:     dir,
		Cutoff:        cutoff,
		Pct:           0.25,
		Alpha:         0.05,
		CriticalValue: 2.776,
	}
}

// Validate reports the first problem with c, in the words of the package's
// own checks where it has them.
func (c Criteria) Validate() error {
	if c.Direction != Gains && c.Direction != Losses {
		return errs.New(errs.InvalidOption, "change", "unknown direction %d (use Gains or Losses)", c.Direction)
	}
	if c.NoCutoff && c.NoPct && c.NoStability {
		return errs.New(errs.InvalidOption, "change", "all three sudden-gain criteria are switched off; apply at least one of cutoff, pct, stability")
	}
	if !c.NoCutoff {
		if math.IsNaN(c.Cutoff) || math.IsInf(c.Cutoff, 0) {
			return errs.New(errs.InvalidOption, "change", "cutoff %v is not a finite number", c.Cutoff)
		}
		if c.Direction == Gains && c.Cutoff < 0 {
			return errs.New(errs.InvalidOption, "change", "cutoff %v must be positive to identify sudden gains", c.Cutoff)
		}
		if c.Direction == Losses && c.Cutoff > 0 {
			return errs.New(errs.InvalidOption, "change", "cutoff %v must be negative to identify sudden losses (e.g. -7)", c.Cutoff)
		}
	}
	if !c.NoPct && (math.IsNaN(c.Pct) || math.IsInf(c.Pct, 0)) {
		return errs.New(errs.InvalidOption, "change", "pct %v is not a finite number", c.Pct)
	}
	if !c.NoStability {
		if c.FixedCritical {
			if !(c.CriticalValue > 0) || math.IsInf(c.CriticalValue, 0) {
				return errs.New(errs.InvalidOption, "change", "fixed critical value %v must be a positive number", c.CriticalValue)
			}
		} else if !(c.Alpha > 0 && c.Alpha < 1) {
			return errs.New(errs.InvalidOption, "change", "alpha %v must lie in (0, 1)", c.Alpha)
		}
	}
	return nil
}

// CriticalT returns the two-sided critical value |qt(alpha/2, df)| of
// Student's t distribution, the value identify_sg uses for the stability
// criterion with df = n_pre + n_post − 2 (2.776 for df 4, 3.182 for df 3,
// 4.303 for df 2 at alpha = .05), the critical value of the one Wald helper
// (wald.StudentT(df, 1 − alpha).Crit()).
func CriticalT(alpha float64, df int) float64 {
	if !(alpha > 0 && alpha < 1) || df < 1 {
		return nan
	}
	return wald.StudentT(float64(df), 1-alpha).Crit()
}
