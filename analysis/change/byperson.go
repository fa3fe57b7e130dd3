package change

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
)

// Select chooses one gain per patient with several, as create_byperson's
// multiple_sg_select.
type Select int

const (
	// First keeps the earliest gain.
	First Select = iota
	// Last keeps the latest gain.
	Last
	// Smallest keeps the gain with the smallest signed magnitude (earliest on ties).
	Smallest
	// Largest keeps the gain with the largest signed magnitude (earliest on
	// ties). For losses, whose magnitudes are negative, this is the smallest
	// loss, as in the package.
	Largest
)

// ParseSelect reads "first", "last", "smallest" or "largest".
func ParseSelect(s string) (Select, error) {
	switch s {
	case "first":
		return First, nil
	case "last":
		return Last, nil
	case "smallest":
		return Smallest, nil
	case "largest":
		return Largest, nil
	}
	return 0, errs.New(errs.InvalidOption, "change", "unknown selection %q (use first, last, smallest or largest)", s)
}

// Person is one row of create_byperson: every patient, with the selected
// gain if there is one.
type Person struct {
	Patient string `json:"patient"`
	// SG is sg_crit123: the patient has a selected gain.
	SG bool `json:"sg"`
	// FreqByPerson is sg_freq_byperson (0 without gains).
	FreqByPerson int `json:"freq_byperson"`
	// Gain is the selected gain, nil without one.
	Gain *Gain `json:"gain"`
}

// ByPerson returns one row per series (in series order) with the gain
// selected by sel among that patient's gains: create_byperson. gains must be
// the ByGain output for these series. As in the package, a patient whose
// gains include one with a missing magnitude gets no gain under Smallest or
// Largest (R's min/max give NA), and FreqByPerson 0.
func ByPerson(series []Series, gains []Gain, sel Select) ([]Person, error) {
	if sel < First || sel > Largest {
		return nil, errs.New(errs.InvalidOption, "change", "unknown selection %d", sel)
	}
	// Gains of one patient are contiguous in ByGain output.
	type span struct{ lo, hi int }
	spans := make(map[string]span, len(series))
	for i := 0; i < len(gains); {
		j := i
		for j < len(gains) && gains[j].Patient == gains[i].Patient {
			j++
		}
		if _, dup := spans[gains[i].Patient]; dup {
			return nil, errs.New(errs.InvalidOption, "change", "gains of patient %q are not contiguous; pass ByGain output", gains[i].Patient)
		}
		spans[gains[i].Patient] = span{i, j}
		i = j
	}
	out := make([]Person, len(series))
	for k, s := range series {
		out[k].Patient = s.ID
		sp, ok := spans[s.ID]
		if !ok {
			continue
		}
		best := selectGain(gains[sp.lo:sp.hi], sel)
		if best < 0 {
			continue
		}
		g := gains[sp.lo+best]
		out[k].SG = true
		out[k].FreqByPerson = g.FreqByPerson
		out[k].Gain = &g
	}
	return out, nil
}

// selectGain returns the index of the selected gain in gs, or −1.
func selectGain(gs []Gain, sel Select) int {
	best := -1
	for i, g := range gs {
		m := float64(g.Magnitude)
		if (sel == Smallest || sel == Largest) && math.IsNaN(m) {
			return -1
		}
		if best < 0 {
			best = i
			continue
		}
		b := gs[best]
		switch sel {
		case First:
			if g.Session < b.Session {
				best = i
			}
		case Last:
			if g.Session > b.Session {
				best = i
			}
		case Smallest:
			if m < float64(b.Magnitude) || (m == float64(b.Magnitude) && g.Session < b.Session) {
				best = i
			}
		case Largest:
			if m > float64(b.Magnitude) || (m == float64(b.Magnitude) && g.Session < b.Session) {
				best = i
			}
		}
	}
	return best
}
