package datasets

import (
	"math"
	"strconv"
)

// DefaultNA is the built-in missing-value vocabulary: an empty cell, "NA"
// (R) and "." (SAS, Stata). ReadOptions.NA adds user codes such as -99.
var DefaultNA = []string{"", "NA", "."}

// naSet decides whether a cell is a missing-value code. A cell is missing when
// its trimmed text equals a code exactly, or when the code is a number and the
// cell is the same number written differently (code "-99" matches "-99.0").
type naSet struct {
	codes []string
	nums  []float64 // numeric codes, compared after parsing
	first [256]bool // first bytes of non-empty codes, for a quick reject
}

func newNASet(extra []string, dec byte) naSet {
	var s naSet
	seen := map[string]bool{}
	for _, c := range append(append([]string{}, DefaultNA...), extra...) {
		c = string(trimSpace([]byte(c), 0))
		if seen[c] {
			continue
		}
		seen[c] = true
		if c == "" {
			continue // empty cells are always missing
		}
		s.codes = append(s.codes, c)
		s.first[c[0]] = true
		if v, err := parseNumber([]byte(c), dec); err == nil {
			s.nums = append(s.nums, v)
		} else if dec != '.' {
			if v, err := parseNumber([]byte(c), '.'); err == nil {
				s.nums = append(s.nums, v)
			}
		}
	}
	return s
}

// isCode reports whether b is textually one of the missing codes (or empty).
func (s *naSet) isCode(b []byte) bool {
	if len(b) == 0 {
		return true
	}
	if !s.first[b[0]] {
		return false
	}
	for _, c := range s.codes {
		if string(b) == c {
			return true
		}
	}
	return false
}

// isNum reports whether v equals a numeric missing code.
func (s *naSet) isNum(v float64) bool {
	for _, c := range s.nums {
		if v == c {
			return true
		}
	}
	return false
}

// numError describes why a cell is not a number.
type numError uint8

const (
	numOK numError = iota
	numBad
	numDecimalComma // looks like a number written with a decimal comma
	numDecimalPoint // looks like a number written with a decimal point while ',' is expected
	numNonFinite    // NaN, Inf or out of the float64 range
)

func (e numError) Error() string {
	switch e {
	case numDecimalComma:
		return "is not a number (decimal comma? set the decimal separator to ',')"
	case numDecimalPoint:
		return "is not a number (decimal point? set the decimal separator to '.')"
	case numNonFinite:
		return "is not a finite number (if it marks a missing value, declare it a missing-value code)"
	}
	return "is not a number"
}

// msg and advice split Error into what is wrong and what to set, for a
// Problem's Msg and Advice.
func (e numError) msg() string {
	if e == numNonFinite {
		return "is not a finite number"
	}
	return "is not a number"
}

func (e numError) advice() string {
	switch e {
	case numDecimalComma:
		return "decimal comma? set the decimal separator to ','"
	case numDecimalPoint:
		return "decimal point? set the decimal separator to '.'"
	case numNonFinite:
		return "if it marks a missing value, declare it a missing-value code"
	}
	return ""
}

// hint is the reading option that would fix e (see Problem.Hint).
func (e numError) hint() string {
	switch e {
	case numDecimalComma:
		return "decimal=,"
	case numDecimalPoint:
		return "decimal=."
	case numNonFinite:
		return "na"
	}
	return ""
}

// numHint is the hint of a number-parsing error, or "".
func numHint(err error) string {
	if e, ok := err.(numError); ok {
		return e.hint()
	}
	return ""
}

var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseNumber parses a decimal number written with the decimal separator dec
// ('.' or ','): an optional sign, digits with at most one separator, and an
// optional exponent (e or E). Hexadecimal forms, digit separators, "Inf" and
// "NaN" are rejected. The result is the correctly rounded float64.
//
// Plain numbers of at most 15 significant digits with at most 22 decimals are
// converted without allocation (an exact integer divided by an exact power of
// ten is correctly rounded, Clinger 1990); everything else goes to
// strconv.ParseFloat.
//
// Most cells have at most 15 digits in all, so that no count of significant
// digits is needed: the digits are read in one plain loop and only a longer
// number is read again by parseCounted.
func parseNumber(b []byte, dec byte) (float64, error) {
	if v, ok := plainNumber(b, dec); ok {
		return v, nil
	}
	return parseCounted(b, dec)
}

// plainNumber is parseNumber's plain loop: the value of b when it is an
// optional sign and at most 15 digits with at most one separator dec among
// them, and false for anything else (an exponent, a longer number, a bad
// or empty cell), which parseCounted reads.
func plainNumber(b []byte, dec byte) (float64, bool) {
	i, n := 0, len(b)
	if n == 0 {
		return 0, false
	}
	neg := b[0] == '-'
	if neg || b[0] == '+' {
		i++
	}
	var mant uint64 // at most 15 digits are kept: more go to parseCounted
	first := i
	for ; i < n && b[i]-'0' < 10; i++ {
		mant = mant*10 + uint64(b[i]-'0')
	}
	digits, frac := i-first, 0
	if i < n && b[i] == dec {
		i++
		fs := i
		for ; i < n && b[i]-'0' < 10; i++ {
			mant = mant*10 + uint64(b[i]-'0')
		}
		frac = i - fs
		digits += frac
	}
	if i < n || digits == 0 || digits > 15 {
		return 0, false
	}
	return plainValue(mant, frac, neg), true
}

// parseCounted is parseNumber counting significant digits (leading zeros
// do not count), for the numbers its plain loop does not finish.
func parseCounted(b []byte, dec byte) (float64, error) {
	i, n := 0, len(b)
	if n == 0 {
		return 0, numBad
	}
	neg := false
	if b[0] == '+' || b[0] == '-' {
		neg = b[0] == '-'
		i++
	}
	var mant uint64
	nd, frac, digits := 0, 0, 0
	for ; i < n && b[i]-'0' < 10; i++ {
		digits++
		if mant != 0 || b[i] != '0' {
			nd++
		}
		mant = mant*10 + uint64(b[i]-'0')
		if nd > 15 {
			return parseSlow(b, dec)
		}
	}
	if i < n && b[i] == dec {
		i++
		for ; i < n && b[i]-'0' < 10; i++ {
			digits++
			frac++
			if mant != 0 || b[i] != '0' {
				nd++
			}
			mant = mant*10 + uint64(b[i]-'0')
			if nd > 15 || frac > 22 {
				return parseSlow(b, dec)
			}
		}
	}
	if digits == 0 {
		return 0, classify(b, dec)
	}
	if i < n {
		if b[i] == 'e' || b[i] == 'E' {
			return parseSlow(b, dec)
		}
		return 0, classify(b, dec)
	}
	return plainValue(mant, frac, neg), nil
}

// plainValue is ±mant / 10^frac, correctly rounded for mant < 2⁵³ and
// frac ≤ 22 (an exact integer divided by an exact power of ten: Clinger
// 1990), the value of parseNumber's and parseCounted's plain numbers.
func plainValue(mant uint64, frac int, neg bool) float64 {
	f := float64(mant)
	if frac > 0 {
		f /= pow10[frac]
	}
	if neg {
		f = -f
	}
	return f
}

// parseSlow handles long mantissas and exponents through strconv.
func parseSlow(b []byte, dec byte) (float64, error) {
	var buf [64]byte
	if len(b) > len(buf) {
		return 0, numBad
	}
	seenDec, seenE := false, false
	for i, c := range b {
		switch {
		case c-'0' < 10:
		case c == '+' || c == '-':
			if i != 0 && b[i-1] != 'e' && b[i-1] != 'E' {
				return 0, classify(b, dec)
			}
		case c == dec:
			if seenDec || seenE {
				return 0, classify(b, dec)
			}
			seenDec = true
			c = '.'
		case c == 'e' || c == 'E':
			if seenE {
				return 0, numBad
			}
			seenE = true
		default:
			return 0, classify(b, dec)
		}
		buf[i] = c
	}
	v, err := strconv.ParseFloat(string(buf[:len(b)]), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, numNonFinite
		}
		return 0, numBad
	}
	return v, nil
}

// classify explains a cell that failed to parse: a decimal comma, a decimal
// point where a comma is expected, a non-finite value, or plain text.
func classify(b []byte, dec byte) numError {
	switch string(b) {
	case "NaN", "nan", "Inf", "-Inf", "+Inf", "inf", "-inf", "Infinity", "-Infinity", "#NUM!", "#DIV/0!":
		return numNonFinite
	}
	other := byte(',')
	if dec == ',' {
		other = '.'
	}
	// Exactly one "other" separator with digits on both sides, nothing else.
	k := -1
	for i, c := range b {
		if c == other {
			if k >= 0 {
				return numBad
			}
			k = i
			continue
		}
		if c-'0' >= 10 && !(i == 0 && (c == '-' || c == '+')) {
			return numBad
		}
	}
	if k > 0 && k < len(b)-1 && b[k-1]-'0' < 10 {
		if other == ',' {
			return numDecimalComma
		}
		return numDecimalPoint
	}
	return numBad
}

// trimSpace removes leading and trailing blanks (space and tab, but not the
// delimiter when the delimiter is a tab).
func trimSpace(b []byte, delim byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || (b[0] == '\t' && delim != '\t')) {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || (b[len(b)-1] == '\t' && delim != '\t')) {
		b = b[:len(b)-1]
	}
	return b
}
