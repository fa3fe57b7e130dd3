package change_test

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/change"
)

// Hageman & Arrindell's cutoffs for Jacobson & Truax's (1991) example
// (clinical M 40, functional M 60, SDs 7.5, higher = better) with
// reliabilities .8 and .9. By hand: a = 40 + 2·7.5·√.8 = 53.4164,
// b = 60 − 2·7.5·√.8 = 46.5836, c = (7.5√.8·60 + 7.5√.9·40)/(7.5√.8 +
// 7.5√.9) = 49.7056 (computed in R).
func ExampleCutoffHA() {
	for _, t := range []change.CutoffType{change.CutoffA, change.CutoffB, change.CutoffC} {
		c, err := change.CutoffHA(40, 7.5, 0.8, 60, 7.5, 0.9, t, change.Higher, false)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: %.4f\n", t, c)
	}
	// Output:
	// a: 53.4164
	// b: 46.5836
	// c: 49.7056
}

func ExampleCutoffType_String() {
	fmt.Println(change.CutoffA, change.CutoffB, change.CutoffC)
	// Output:
	// a b c
}

// Method names are read case-insensitively.
func ExampleParseRCIMethod() {
	m, err := change.ParseRCIMethod("jt")
	fmt.Println(m, err)
	// Output:
	// JT <nil>
}

func ExampleParseBetter() {
	b, err := change.ParseBetter(" Higher ")
	fmt.Println(b, err)
	_, err = change.ParseBetter("up")
	fmt.Println(err != nil)
	// Output:
	// higher <nil>
	// true
}

func ExampleBetter_String() {
	fmt.Println(change.Lower, change.Higher)
	// Output:
	// lower higher
}

// Better is text in JSON, and reads back.
func ExampleBetter_MarshalText() {
	b, _ := json.Marshal(map[string]change.Better{"better_is": change.Higher})
	fmt.Println(string(b))
	// Output:
	// {"better_is":"higher"}
}

func ExampleBetter_UnmarshalText() {
	var v struct {
		Better change.Better `json:"better_is"`
	}
	err := json.Unmarshal([]byte(`{"better_is":"lower"}`), &v)
	fmt.Println(v.Better, err)
	// Output:
	// lower <nil>
}

// Pre and post from the sessions labelled 1 and 4; patient B has no
// session 4, so its post is NaN (dropped by the methods, counted in
// n_original).
func ExamplePairsAt() {
	patient := []string{"A", "A", "A", "B", "B", "C", "C"}
	session := []int{1, 2, 4, 1, 2, 1, 4}
	score := []float64{30, 24, 12, 28, 26, 25, 20}
	pairs, err := change.PairsAt(patient, session, score, 1, 4)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range pairs {
		fmt.Println(p.ID, p.Pre, p.Post)
	}
	// Output:
	// A 30 12
	// B 28 NaN
	// C 25 20
}

// Pre and post from each patient's first and last observed session: B's
// session 3 is missing, so its post is session 2's 26.
func ExamplePairsFirstLast() {
	patient := []string{"A", "A", "A", "B", "B", "B"}
	session := []int{1, 2, 4, 1, 2, 3}
	score := []float64{30, 24, 12, 28, 26, math.NaN()}
	pairs, err := change.PairsFirstLast(patient, session, score)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range pairs {
		fmt.Println(p.ID, p.Pre, p.Post)
	}
	// Output:
	// A 30 12
	// B 28 26
}

// sd(c(30, 28, NA, 25), na.rm = TRUE) = 2.5166 in R.
func ExampleSampleSD() {
	fmt.Printf("%.4f\n", change.SampleSD([]float64{30, 28, math.NaN(), 25}))
	// Output:
	// 2.5166
}

// A Float is null in JSON when missing.
func ExampleFloat_MarshalJSON() {
	b, _ := json.Marshal([]change.Float{12.5, change.Float(math.NaN())})
	fmt.Println(string(b))
	// Output:
	// [12.5,null]
}

func ExampleFloat_UnmarshalJSON() {
	var v []change.Float
	if err := json.Unmarshal([]byte(`[12.5,null]`), &v); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v[0], v[1].IsNA())
	// Output:
	// 12.5 true
}

func ExampleFloat_IsNA() {
	fmt.Println(change.Float(3).IsNA(), change.Float(math.NaN()).IsNA())
	// Output:
	// false true
}
