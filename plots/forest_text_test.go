package plots

import (
	"math/rand"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/plot/vg"
)

// truncateLinear is the definition of truncate: drop runes from the end
// until the rest plus "…" fits (at least one rune is kept).
func truncateLinear(th Theme, s string, w vg.Length) string {
	st := th.textStyle(false)
	if st.Width(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && st.Width(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// TestTruncateMatchesDefinition: the binary search gives the linear
// definition's answer on random labels and widths.
func TestTruncateMatchesDefinition(t *testing.T) {
	th := DefaultTheme
	st := th.textStyle(false)
	rng := rand.New(rand.NewSource(3))
	alphabet := []rune("abcWMiil .,ÄßΩ—中")
	for i := 0; i < 300; i++ {
		n := rng.Intn(60)
		r := make([]rune, n)
		for j := range r {
			r[j] = alphabet[rng.Intn(len(alphabet))]
		}
		w := vg.Length(rng.Float64() * 150)
		if got, want := truncate(st, string(r), w), truncateLinear(th, string(r), w); got != want {
			t.Fatalf("truncate(%q, %v) = %q, want %q", string(r), w, got, want)
		}
	}
}

// TestTruncateLongLabel: a 100 KB label is cut in well under 100 ms (it
// took minutes when every rune removed re-measured the whole string).
func TestTruncateLongLabel(t *testing.T) {
	st := DefaultTheme.textStyle(false)
	long := strings.Repeat("Smith et al. ", 100000/13)
	start := time.Now()
	got := truncate(st, long, 150)
	if el := time.Since(start); el > 100*time.Millisecond {
		t.Fatalf("took %v", el)
	}
	if st.Width(got) > 150 || !strings.HasSuffix(got, "…") {
		t.Fatalf("result %q (width %v)", got, st.Width(got))
	}
}
