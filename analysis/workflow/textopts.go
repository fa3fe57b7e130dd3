package workflow

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alliance-research/alliance/datasets"
)

// The text forms of options that a user types — on the command line or in
// a web form — parsed in one place, so that every front end accepts the
// same spellings. Errors are invalid-option errors naming the field.

// SplitList splits a comma-separated list, trimming items and dropping empty
// ones.
func SplitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ParseWaves reads the sessions used as panel waves: a range "1:8" or a
// list "1,2,3,5" ("" is nil: the default waves).
func ParseWaves(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []int
	if a, b, ok := strings.Cut(s, ":"); ok {
		lo, e1 := strconv.Atoi(strings.TrimSpace(a))
		hi, e2 := strconv.Atoi(strings.TrimSpace(b))
		if e1 != nil || e2 != nil || hi < lo || hi-lo > 1000 {
			return nil, invalid("Waves", "waves %q: give a range such as 1:8", s)
		}
		for w := lo; w <= hi; w++ {
			out = append(out, w)
		}
		return out, nil
	}
	for _, p := range SplitList(s) {
		w, err := strconv.Atoi(p)
		if err != nil {
			return nil, invalid("Waves", "waves %q: %q is not a session number", s, p)
		}
		out = append(out, w)
	}
	return out, nil
}

// ParseWide reads a wide layout (one row per patient): a column prefix
// ("bdi_s": bdi_s1, bdi_s2, ...) or a comma-separated list of the session
// columns in order ("" is long data).
func ParseWide(s string) datasets.WideSpec {
	if strings.Contains(s, ",") {
		return datasets.WideSpec{Columns: SplitList(s)}
	}
	return datasets.WideSpec{Prefix: strings.TrimSpace(s)}
}

// ReadText holds the reading options as typed: Delimiter one character or
// tab, comma, semicolon ("" detects); Decimal "." or "," ("" from the
// delimiter); NA extra missing-value codes, comma-separated; Sheet and
// Encoding as datasets.ReadOptions.
type ReadText struct {
	Delimiter, Decimal, NA, Sheet, Encoding string
}

// Options parses the reading options.
func (t ReadText) Options() (datasets.ReadOptions, error) {
	o := datasets.ReadOptions{Sheet: t.Sheet, Encoding: t.Encoding, NA: SplitList(t.NA)}
	switch d := t.Delimiter; strings.ToLower(d) {
	case "":
	case "tab", `\t`:
		o.Delimiter = '\t'
	case "comma":
		o.Delimiter = ','
	case "semicolon":
		o.Delimiter = ';'
	default:
		if utf8.RuneCountInString(d) != 1 {
			return o, invalid("Delimiter", "delimiter %q: give one character, or tab", d)
		}
		o.Delimiter, _ = utf8.DecodeRuneInString(d)
	}
	switch t.Decimal {
	case "":
	case ".", ",":
		o.Decimal = rune(t.Decimal[0])
	default:
		return o, invalid("Decimal", "decimal separator %q: give . or ,", t.Decimal)
	}
	return o, nil
}
