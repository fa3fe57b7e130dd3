package mixed

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

func crossed(n int) string {
	v := make([]string, n)
	for i := range v {
		v[i] = fmt.Sprintf("x%d", i+1)
	}
	return "y ~ " + strings.Join(v, "*") + " + (1 | g)"
}

// TestFormulaCrossBound: an n-way '*' expands to 2ⁿ − 1 terms; 20 factors
// (an 83-character formula, 1,048,575 terms) is refused at once with a
// message saying the limit, without building the expansion; 10 factors
// (1,023 terms, every subset once) is accepted.
func TestFormulaCrossBound(t *testing.T) {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	start := time.Now()
	_, err := ParseFormula(crossed(20))
	el := time.Since(start)
	runtime.ReadMemStats(&b)
	if err == nil {
		t.Fatal("20 crossed factors accepted")
	}
	msg := err.Error()
	for _, want := range []string{"20", "1048575", fmt.Sprint(MaxCrossedFactors)} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if el > 100*time.Millisecond || b.TotalAlloc-a.TotalAlloc > 1<<20 {
		t.Errorf("refusal took %v and %d bytes", el, b.TotalAlloc-a.TotalAlloc)
	}
	f, err := ParseFormula(crossed(MaxCrossedFactors))
	if err != nil {
		t.Fatal(err)
	}
	if want := 1<<MaxCrossedFactors - 1; len(f.Fixed) != want {
		t.Fatalf("%d terms, want %d", len(f.Fixed), want)
	}
	// A repeated factor counts once, as in R (a*a*b = a + b + a:b).
	f, err = ParseFormula("y ~ " + strings.Repeat("a*", 30) + "b + (1 | g)")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(f.Fixed); got != "[[a] [b] [a b]]" {
		t.Fatalf("a*…*a*b = %s", got)
	}
	// The bound on the total number of fixed terms holds across summands.
	many := make([]string, 3)
	for i := range many {
		v := make([]string, MaxCrossedFactors)
		for j := range v {
			v[j] = fmt.Sprintf("v%d_%d", i, j)
		}
		many[i] = strings.Join(v, "*")
	}
	if _, err := ParseFormula("y ~ " + strings.Join(many, " + ") + " + (1 | g)"); err == nil || !strings.Contains(err.Error(), fmt.Sprint(MaxFixedTerms)) {
		t.Fatalf("3×1023 terms: %v", err)
	}
}

// TestFormulaMessageBounded: a 100 KB formula is cut in its error message.
func TestFormulaMessageBounded(t *testing.T) {
	long := "y ~ " + strings.Repeat("x + ", 25000) + "scale(z) + (1 | g)"
	_, err := ParseFormula(long)
	if err == nil {
		t.Fatal("scale() accepted")
	}
	if n := len(err.Error()); n > 1000 || !strings.Contains(err.Error(), "characters left out") {
		t.Fatalf("message of %d bytes: %.300s", n, err.Error())
	}
}
