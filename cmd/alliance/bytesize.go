package main

import (
	"fmt"
	"strconv"
	"strings"
)

// byteSizeValue is the --max-bytes flag: a byte count with an optional unit.
type byteSizeValue struct{ v *int64 }

func (b byteSizeValue) String() string {
	if b.v == nil || *b.v == 0 {
		return "2GiB"
	}
	return strconv.FormatInt(*b.v, 10)
}

func (b byteSizeValue) Set(s string) error {
	v, err := parseByteSize(s)
	if err != nil {
		return err
	}
	*b.v = v
	return nil
}

func (byteSizeValue) Type() string { return "size" }

// parseByteSize reads a positive byte count: a number with an optional unit,
// case-insensitive: B; KB, MB, GB, TB (powers of 1000); KiB, MiB, GiB, TiB
// or K, M, G, T (powers of 1024).
func parseByteSize(s string) (int64, error) {
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
		return 0, fmt.Errorf("%q is not a positive size such as 500MB or 2GiB", s)
	}
	return int64(f * mult), nil
}
