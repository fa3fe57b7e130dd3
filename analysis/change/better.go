package change

import (
	"fmt"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
)

// Better says which direction of the scores is improvement: clinicalsignificance's
// better_is (default "lower"). It is the one direction type of the analysis
// packages (change and rupture use it; the workflow sets it). The zero value
// is Lower.
//
// In JSON and other text forms a Better is "lower" or "higher" (MarshalText,
// UnmarshalText); ParseBetter is the one parser of that text.
type Better int

const (
	// Lower: lower scores are better (symptom measures; the default).
	Lower Better = iota
	// Higher: higher scores are better (functioning, well-being, alliance).
	Higher
)

// ParseBetter reads "lower" or "higher" (case and surrounding space ignored).
// Any other text is an errs.InvalidOption error.
func ParseBetter(s string) (Better, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "lower":
		return Lower, nil
	case "higher":
		return Higher, nil
	}
	return Lower, errs.New(errs.InvalidOption, "change", "unknown direction %q (use lower or higher)", s)
}

// valid reports whether b is Lower or Higher.
func (b Better) valid() bool { return b == Lower || b == Higher }

// sign is +1 when higher is better, −1 when lower is better.
func (b Better) sign() float64 {
	if b == Higher {
		return 1
	}
	return -1
}

// String returns "lower" or "higher" ("Better(n)" for any other value).
func (b Better) String() string {
	switch b {
	case Lower:
		return "lower"
	case Higher:
		return "higher"
	}
	return fmt.Sprintf("Better(%d)", int(b))
}

// MarshalText writes "lower" or "higher"; any other value is an error.
func (b Better) MarshalText() ([]byte, error) {
	if !b.valid() {
		return nil, errs.New(errs.InvalidOption, "change", "unknown direction %d (use Lower or Higher)", int(b))
	}
	return []byte(b.String()), nil
}

// UnmarshalText reads "lower" or "higher" (ParseBetter).
func (b *Better) UnmarshalText(text []byte) error {
	v, err := ParseBetter(string(text))
	if err != nil {
		return err
	}
	*b = v
	return nil
}
