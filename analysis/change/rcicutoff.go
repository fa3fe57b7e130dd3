package change

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/describe"
)

// Crit1Cutoff is define_crit1_cutoff's result: a reliable-change value to
// use as the absolute sudden-gain cutoff.
type Crit1Cutoff struct {
	SD          float64 `json:"sd"`
	Reliability float64 `json:"reliability"`
	// SEM = SD·√(1 − reliability).
	SEM float64 `json:"standard_error_measurement"`
	// SDiff = √(2·SEM²).
	SDiff float64 `json:"standard_error_difference"`
	// ReliableChange = 1.96·SDiff.
	ReliableChange float64 `json:"reliable_change_value"`
}

// DefineCrit1Cutoff computes the Jacobson & Truax (1991) reliable change
// value from the SD of a normal or baseline population and the reliability
// of the scale, as suddengains' define_crit1_cutoff:
//
//	SEM = sd·√(1 − r),  S_diff = √(2·SEM²),  RC = 1.96·S_diff.
func DefineCrit1Cutoff(sd, reliability float64) (Crit1Cutoff, error) {
	if !(reliability >= 0 && reliability <= 1) {
		return Crit1Cutoff{}, errs.New(errs.InvalidOption, "change", "reliability %v has to be between 0 and 1", reliability)
	}
	if !(sd >= 0) || math.IsInf(sd, 0) {
		return Crit1Cutoff{}, errs.New(errs.InvalidOption, "change", "standard deviation %v must be a non-negative number", sd)
	}
	sem := sd * math.Sqrt(1-reliability)
	sdiff := math.Sqrt(2 * sem * sem)
	return Crit1Cutoff{SD: sd, Reliability: reliability, SEM: sem, SDiff: sdiff, ReliableChange: 1.96 * sdiff}, nil
}

// SampleSD is sd(x, na.rm = TRUE): the sample standard deviation of the
// non-missing values (NaN with fewer than two), as data_sd uses.
func SampleSD(x []float64) float64 {
	_, sd, _ := describe.MeanSD(x)
	return sd
}
