package meta

import (
	"math"

	"github.com/alliance-research/alliance/analysis/apa"
)

// Units says how a plain-language reading states an effect: on the scale
// the model was fitted on (Scale, e.g. "Fisher z"), and, when Back is set,
// also back-transformed (Back = math.Tanh, BackSymbol "r" for Fisher z), so
// that a sentence never gives a z value beside a table in r without saying
// which it is. The zero Units states plain numbers, as Reading does.
type Units struct {
	Scale      string                // name of the model's scale, e.g. "Fisher z"; "" states plain numbers
	Back       func(float64) float64 // back-transformation to the reporting scale, or nil
	BackSymbol string                // symbol of the reporting scale, e.g. "r"
}

// FisherZ are the units of a meta-analysis of correlations on Fisher's z
// scale (measure ZCOR), reported back-transformed to r.
var FisherZ = Units{Scale: "Fisher z", Back: math.Tanh, BackSymbol: "r"}

// effect states x: "0.285" with the zero Units, "z = 0.285 (r = .278)" on
// Fisher's z scale.
func (u Units) effect(x float64) string {
	if u.Scale == "" {
		return apa.Num(x, 3)
	}
	s := u.Scale + " = " + apa.Num(x, 3)
	if u.Back != nil {
		s += " (" + u.BackSymbol + " = " + apa.NoZero(u.Back(x), 3) + ")"
	}
	return s
}

// interval states a CI: "95% CI [0.263, 0.327]", with the back-transformed
// bounds after it when Back is set.
func (u Units) interval(level, lb, ub float64) string {
	s := apa.Level(level) + " CI [" + apa.Num(lb, 3) + ", " + apa.Num(ub, 3) + "]"
	if u.Back != nil {
		s += " (" + u.BackSymbol + " " + apa.Interval(u.Back(lb), u.Back(ub), 3, true) + ")"
	}
	return s
}
