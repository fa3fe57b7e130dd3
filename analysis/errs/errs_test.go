package errs

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

func TestProblemString(t *testing.T) {
	for _, c := range []struct {
		p    Problem
		want string
	}{
		{Problem{File: "studies.csv", Line: 17, Column: "ri", Value: "0,35", Msg: "is not a number (decimal comma?)"},
			`studies.csv:17: column "ri": "0,35" is not a number (decimal comma?)`},
		{Problem{File: "studies.csv", Msg: "no correlation column"}, "studies.csv: no correlation column"},
		{Problem{Source: "effectsize: ZCOR", Row: 3, Column: "r", Value: "1.5", Msg: "is outside (-1, 1)"},
			"effectsize: ZCOR: r[2] = 1.5 is outside (-1, 1)"},
		{Problem{Source: "effectsize: ZCOR", Column: "n", Value: "2", Msg: "is too small"}, "effectsize: ZCOR: n = 2 is too small"},
		{Problem{Source: "metamv", Row: 4, Msg: "the cluster label is empty"}, "metamv: row 4: the cluster label is empty"},
		{Problem{Msg: "plain"}, "plain"},
	} {
		if got := c.p.String(); got != c.want {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
	}
}

// One enormous cell, and many problems, give a message of bounded length.
func TestInputErrorBounded(t *testing.T) {
	e := &InputError{Total: 1000}
	for i := 0; i < MaxProblems; i++ {
		e.Problems = append(e.Problems, Problem{File: "f.csv", Line: i + 2, Column: "x", Value: strings.Repeat("é", 10000), Msg: "is not a number"})
	}
	msg := e.Error()
	if n := len(msg); n > MaxProblems*(MaxValueLen*2+60)+40 {
		t.Errorf("message is %d bytes long", n)
	}
	if !strings.HasSuffix(msg, "and 980 more problems") || !strings.Contains(msg, "…") {
		t.Errorf("message ends %q", msg[len(msg)-40:])
	}
}

func TestAt(t *testing.T) {
	e := BadValue("effectsize: ZCOR", 3, "r", 1.5, "is outside (-1, 1)").WithHint("r")
	got := e.At("studies.csv", []int{2, 4, 7})
	if want := `studies.csv:7: column "r": "1.5" is outside (-1, 1)`; got.Error() != want {
		t.Errorf("At: %q, want %q", got.Error(), want)
	}
	if e.Problems[0].File != "" || got.Problems[0].Hint != "r" {
		t.Errorf("At changed the original or lost the hint: %+v %+v", e.Problems[0], got.Problems[0])
	}
	// A row beyond the known lines keeps the file but no line.
	if got := BadValue("s", 9, "r", 1.5, "bad").At("f.csv", []int{2}); got.Problems[0].Line != 0 || got.Problems[0].File != "f.csv" {
		t.Errorf("row out of range: %+v", got.Problems[0])
	}
}

func TestErrorKinds(t *testing.T) {
	cause := errors.New("pivot 2 = -1")
	for _, k := range []Kind{NoConvergence, Singular, TooFew, InvalidOption} {
		e := New(k, "meta: PM", "step %d failed: %w", 3, cause)
		var err error = fmt.Errorf("outer: %w", e)
		if !errors.Is(err, k) || KindOf(err) != k {
			t.Errorf("%v: errors.Is/KindOf failed on %v", k, err)
		}
		for _, other := range []Kind{NoConvergence, Singular, TooFew, InvalidOption} {
			if other != k && errors.Is(err, other) {
				t.Errorf("%v is also %v", k, other)
			}
		}
		if !errors.Is(err, cause) {
			t.Errorf("%v: the cause is not wrapped", k)
		}
		var ae *Error
		if !errors.As(err, &ae) || ae.Analysis != "meta: PM" || ae.Reason != "step 3 failed: pivot 2 = -1" {
			t.Errorf("%v: As gave %+v", k, ae)
		}
		if got, want := e.Error(), "meta: PM: step 3 failed: pivot 2 = -1"; got != want {
			t.Errorf("Error() = %q, want %q", got, want)
		}
	}
	if KindOf(io.EOF) != 0 || KindOf(nil) != 0 {
		t.Error("KindOf of an untyped error is not 0")
	}
	if e := New(TooFew, "meta", "k = %d", 1); e.Err != nil {
		t.Errorf("cause without %%w: %v", e.Err)
	}
	if Kind(99).String() != "errs.Kind(99)" || TooFew.Error() != "too few observations" {
		t.Errorf("kind names: %q %q", Kind(99), TooFew)
	}
}

func ExampleNew() {
	err := fmt.Errorf("fitting: %w", New(NoConvergence, "meta", "REML did not converge in %d iterations; raise MaxIter", 100).WithHint("maxiter"))
	var ae *Error
	if errors.As(err, &ae) {
		fmt.Println(ae.Kind, "|", ae.Analysis, "|", ae.Hint)
	}
	fmt.Println(errors.Is(err, NoConvergence), errors.Is(err, Singular))
	fmt.Println(err)
	// Output:
	// no convergence | meta | maxiter
	// true false
	// fitting: meta: REML did not converge in 100 iterations; raise MaxIter
}

func ExampleInputError_At() {
	// A library function knows only the position of the bad value ...
	err := BadValue("effectsize: ZCOR", 2, "n", 3, "is too small: Fisher z needs n > 3")
	fmt.Println(err)
	// ... the front end knows the file and the line of each row.
	fmt.Println(err.At("studies.csv", []int{2, 5}))
	// Output:
	// effectsize: ZCOR: n[1] = 3 is too small: Fisher z needs n > 3
	// studies.csv:5: column "n": "3" is too small: Fisher z needs n > 3
}

// Advice is printed once, after the message, and a front end replaces it by
// field (Advised), leaving the original error unchanged.
func TestProblemAdvice(t *testing.T) {
	e := &InputError{Problems: []Problem{
		{File: "s.csv", Msg: "no alliance column (alliance); columns are: client, wai", Hint: "alliance", Advice: "name it in SessionColumns.Alliance"},
		{File: "s.csv", Line: 3, Column: "wai", Value: "x", Msg: "is not a number"},
	}, Total: 2}
	lib := "s.csv: no alliance column (alliance); columns are: client, wai (name it in SessionColumns.Alliance)\ns.csv:3: column \"wai\": \"x\" is not a number"
	if got := e.Error(); got != lib {
		t.Errorf("library text\n got %q\nwant %q", got, lib)
	}
	cli := e.Advised(func(p Problem) string {
		if p.Hint == "alliance" {
			return "name it with --alliance"
		}
		return ""
	})
	want := "s.csv: no alliance column (alliance); columns are: client, wai (name it with --alliance)\ns.csv:3: column \"wai\": \"x\" is not a number"
	if got := cli.Error(); got != want {
		t.Errorf("advised\n got %q\nwant %q", got, want)
	}
	if e.Error() != lib {
		t.Errorf("Advised changed the original: %q", e.Error())
	}
	ae := &Error{Kind: InvalidOption, Analysis: "omega", Reason: "3 factors for 3 items", Advice: "try OmegaOptions.NFactors = 2"}
	if got := ae.Error(); got != "omega: 3 factors for 3 items (try OmegaOptions.NFactors = 2)" {
		t.Errorf("analysis error with advice: %q", got)
	}
}
