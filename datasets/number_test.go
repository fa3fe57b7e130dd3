package datasets

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// parseNumber must give exactly strconv.ParseFloat's correctly rounded
// result, on the fast path (<= 15 digits) and the slow one (long mantissas,
// exponents), with either decimal separator.
func TestParseNumberMatchesStrconv(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for k := range 200000 {
		var s string
		switch k % 4 {
		case 0: // fast path: up to 15 digits, up to 22 decimals
			digits := 1 + r.IntN(15)
			frac := r.IntN(min(digits, 22) + 1)
			m := strconv.FormatUint(r.Uint64N(uint64(math.Pow10(digits))), 10)
			for len(m) < digits {
				m = "0" + m
			}
			s = m[:digits-frac] + "." + m[digits-frac:]
		case 1: // long mantissas
			s = strconv.FormatUint(r.Uint64(), 10) + "." + strconv.FormatUint(r.Uint64(), 10)
		case 2: // exponents
			s = strconv.FormatFloat(r.NormFloat64()*math.Pow10(r.IntN(40)-20), 'e', r.IntN(17), 64)
		case 3: // shortest representations of random doubles
			s = strconv.FormatFloat(r.Float64()*float64(r.IntN(1000)), 'f', -1, 64)
		}
		if k%20 == 3 { // leading zeros, which do not count as significant digits
			s = strings.Repeat("0", r.IntN(12)) + s
		}
		if k%20 == 7 { // 16 to 19 digits in all, around the plain loop's limit
			s = strconv.FormatUint(1e18+r.Uint64N(9e18), 10)[:16+r.IntN(4)]
			if d := r.IntN(len(s) + 1); d < len(s) {
				s = s[:d] + "." + s[d:]
			}
		}
		if r.IntN(2) == 0 && s[0] != '-' {
			s = "-" + s
		}
		want, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		got, err := parseNumber([]byte(s), '.')
		if err != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("parseNumber(%q) = %v, %v; want %v", s, got, err, want)
		}
		comma := strings.Replace(s, ".", ",", 1)
		got, err = parseNumber([]byte(comma), ',')
		if err != nil || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("parseNumber(%q, ',') = %v, %v; want %v", comma, got, err, want)
		}
	}
}

func TestParseNumberRejects(t *testing.T) {
	for _, tc := range []struct {
		in   string
		dec  byte
		want numError
	}{
		{"0,35", '.', numDecimalComma},
		{"-1,5", '.', numDecimalComma},
		{"0.35", ',', numDecimalPoint},
		{"1,234,5", '.', numBad},
		{"1.234,5", '.', numBad},
		{"0x10", '.', numBad},
		{"1_000", '.', numBad},
		{"NaN", '.', numNonFinite},
		{"Inf", '.', numNonFinite},
		{"1e400", '.', numNonFinite},
		{"-", '.', numBad},
		{"1e", '.', numBad},
		{"1-2", '.', numBad},
		{"+", '.', numBad},
		{"3 4", '.', numBad},
		{"35%", '.', numBad},
	} {
		if _, err := parseNumber([]byte(tc.in), tc.dec); err != tc.want {
			t.Errorf("parseNumber(%q, %q) error %v, want %v", tc.in, tc.dec, err, tc.want)
		}
	}
	for _, ok := range []string{".5", "5.", "+2", "-0", "1E3", "0001.500", "12345678901234567890"} {
		if _, err := parseNumber([]byte(ok), '.'); err != nil {
			t.Errorf("parseNumber(%q): %v", ok, err)
		}
	}
}
