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

// ParseLevel reads a confidence level given in percent (95) or as a
// proportion (.95) and returns the proportion.
func ParseLevel(x float64) (float64, error) {
	level := x
	if level > 1 {
		level /= 100
	}
	if !(level > 0 && level < 1) {
		return 0, invalid("Level", "level %v: give a confidence level between 0 and 100 (e.g. 95)", x)
	}
	return level, nil
}

// ParseByteSize reads a positive byte count: a number with an optional
// unit, case-insensitive: B; KB, MB, GB, TB (powers of 1000); KiB, MiB,
// GiB, TiB or K, M, G, T (powers of 1024).
func ParseByteSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := len(t)
	for i > 0 && (t[i-1] < '0' || t[i-1] > '9') && t[i-1] != '.' {
		i--
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	mult := map[string]float64{"": 1, "b": 1,
		"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
		"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40,
		"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40}[unit]
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || mult == 0 || !(f > 0) || f*mult >= 1<<62 {
		return 0, invalid("MaxBytes", "%q is not a positive size such as 500MB or 2GiB", s)
	}
	return int64(f * mult), nil
}

// ParsePredict reads the points of meta-regression predictions
// (MetaOptions.Predict): points separated by ';', each a comma-separated
// list of moderator=value, e.g. "year=2010,rater=patient;year=2020,rater=patient"
// ("" is none).
func ParsePredict(spec string) ([]map[string]string, error) { return ParsePoints("Predict", spec) }

// ParsePoints reads points of moderator (or scale) values in ParsePredict's
// form for the option named option (Predict, NewScale), which an error
// names.
func ParsePoints(option, spec string) ([]map[string]string, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, nil
	}
	var out []map[string]string
	for i, pt := range strings.Split(spec, ";") {
		pt = strings.TrimSpace(pt)
		if pt == "" {
			continue
		}
		m := map[string]string{}
		for _, kv := range strings.Split(pt, ",") {
			k, v, ok := strings.Cut(kv, "=")
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if !ok || k == "" || v == "" {
				return nil, invalid(option, "point %d: %q is not moderator=value (e.g. %s)", i+1, strings.TrimSpace(kv), `"year=2010,rater=patient;year=2020,rater=patient"`)
			}
			if _, dup := m[k]; dup {
				return nil, invalid(option, "point %d gives %s twice", i+1, k)
			}
			m[k] = v
		}
		out = append(out, m)
	}
	return out, nil
}
