package reliability

import (
	"errors"
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
)

func TestTypedErrors(t *testing.T) {
	x := [][]float64{{1, 2, 3}, {2, 3, 3}, {3, 3, 4}, {4, 5, 5}, {2, 2, 1}}
	var ae *errs.Error
	if _, err := Omega(x, OmegaOptions{NFactors: 5}); !errors.As(err, &ae) || ae.Kind != errs.InvalidOption || ae.Hint != "nfactors=2" {
		t.Errorf("omega factors: %v (%+v), want errs.InvalidOption with hint nfactors=2", err, ae)
	}
	var ie *errs.InputError
	miss := [][]float64{{1, 2}, {2, math.NaN()}, {3, 3}}
	if _, err := ICC(miss, ICCOptions{}); !errors.As(err, &ie) || ie.Problems[0].Row != 2 || ie.Problems[0].Hint != "drop-incomplete" {
		t.Errorf("ICC missing rating: %v, want an input error for row 2 with hint drop-incomplete", err)
	}
	if _, err := ICC([][]float64{{1, 1}, {1, 1}, {1, 1}}, ICCOptions{}); !errors.Is(err, errs.Singular) {
		t.Errorf("ICC equal ratings: %v, want errs.Singular", err)
	}
	if _, err := ICC([][]float64{{1}, {2}}, ICCOptions{}); !errors.Is(err, errs.TooFew) {
		t.Errorf("ICC one rater: %v, want errs.TooFew", err)
	}
	if _, err := CohenKappa([]float64{1, 1, 1}, []float64{1, 1, 1}, KappaOptions{}); !errors.Is(err, errs.Singular) {
		t.Errorf("kappa one category: %v, want errs.Singular", err)
	}
}
