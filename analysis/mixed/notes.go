package mixed

import (
	"fmt"
	"math"
	"unicode"
)

// maxCodeLevels is the largest number of distinct integer values for which
// a numeric fixed-effect predictor is flagged as a likely numeric code.
const maxCodeLevels = 6

// codeNotes warns about numeric fixed-effect predictors that look like
// numeric codes of a categorical variable (treatment arm 1..k, site or
// therapist numbers): every value an integer, 3 to 6 distinct values, and
// fewer distinct values than a tenth of the rows. Such a variable enters the
// model as one linear term (a single slope across its codes), which is
// rarely what is meant; factor(x) codes it with treatment contrasts.
// Not flagged: variables written as factor(x); two-valued ones (a 0/1
// indicator spans the same columns either way); and time axes — the AR(1)
// time column and variables that are also random slopes, which are meant as
// numbers (a random slope of a category code would make no sense).
func codeNotes(f Formula, cols map[string]*column, keep []int, ar1 string) []string {
	var notes []string
	seen := map[string]bool{ar1: true}
	for _, r := range f.Random {
		for _, s := range r.Slopes {
			for _, v := range s {
				seen[v] = true
			}
		}
	}
	for _, t := range f.Fixed {
		for _, v := range t {
			if seen[v] {
				continue
			}
			seen[v] = true
			c := cols[v]
			if c.isFactor() {
				continue
			}
			k := distinctIntegers(c.num, keep, maxCodeLevels)
			if k >= 3 && k <= maxCodeLevels && 10*k < len(keep) {
				notes = append(notes, fmt.Sprintf("%s has %d distinct integer values and is treated as a linear term; write factor(%s) to treat it as categorical", v, k, quoteName(v)))
			}
		}
	}
	return notes
}

// distinctIntegers returns the number of distinct values of x over the rows
// keep when all are integers and there are at most limit of them, else 0.
func distinctIntegers(x []float64, keep []int, limit int) int {
	vals := make([]float64, 0, limit+1)
	for _, i := range keep {
		v := x[i]
		if v != math.Trunc(v) || math.IsInf(v, 0) {
			return 0
		}
		found := false
		for _, u := range vals {
			if u == v {
				found = true
				break
			}
		}
		if !found {
			if len(vals) == limit {
				return 0
			}
			vals = append(vals, v)
		}
	}
	return len(vals)
}

// quoteName backquotes a variable name that is not a syntactic R name.
func quoteName(v string) string {
	for i, r := range v {
		if !(unicode.IsLetter(r) || r == '.' || r == '_' || i > 0 && unicode.IsDigit(r)) {
			return "`" + v + "`"
		}
	}
	return v
}
