package meta

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// gPermRun is one permutest call recorded by testdata/golden/R/permute.R.
type gPermRun struct {
	Method     string    `json:"method"`
	Test       string    `json:"test"`
	ExactArg   bool      `json:"exact_arg"`
	IterArg    int       `json:"iter_arg"`
	Kind       string    `json:"kind"`       // "exact" or "approximate", as metafor announced it
	Iterations int       `json:"iterations"` // as metafor announced it
	ExactIter  int       `json:"exact_iter"` // metafor's number of unique permutations
	Names      []string  `json:"names"`
	Zval       []float64 `json:"zval"`
	QM         float64   `json:"QM"`
	NFailed    int       `json:"n_failed"`
	P          []float64 `json:"p"`
	QMP        float64   `json:"QM_p"`
}

type gPermFile struct {
	Yi   []float64 `json:"yi"`
	Vi   []float64 `json:"vi"`
	Mods []struct {
		Name    string    `json:"name"`
		Numeric []float64 `json:"numeric"`
		Text    []string  `json:"text"`
	} `json:"mods"`
	Runs []gPermRun `json:"runs"`
}

func (g *gPermFile) moderators() []Moderator {
	var out []Moderator
	for _, m := range g.Mods {
		out = append(out, Moderator{Name: m.Name, Numeric: m.Numeric, Text: m.Text})
	}
	return out
}

// TestGoldenPermuteModerators compares exact permutation tests of
// meta-regression models with metafor 3.8-1's permutest, both forced
// (exact = TRUE) and chosen by metafor because iter is at least the number
// of unique permutations. Exact p-values are counts over all permutations:
// they must be equal (the goldens carry 15 significant digits).
func TestGoldenPermuteModerators(t *testing.T) {
	const (
		pTol    = 1e-12 // exact p-values: counts / N with N ≤ 10080
		statTol = 1e-7  // relative, observed test statistics
	)
	for _, file := range []string{"permute_k6.json", "permute_k7.json", "permute_factor.json", "permute_ties.json"} {
		var g gPermFile
		if err := golden.Load(file, &g); err != nil {
			t.Fatal(err)
		}
		for _, run := range g.Runs {
			name := fmt.Sprintf("%s/%s/%s/exact=%v/iter=%d", file, run.Method, run.Test, run.ExactArg, run.IterArg)
			t.Run(name, func(t *testing.T) {
				opt := Options{Method: run.Method, Test: run.Test, Mods: g.moderators()}
				var r *PermResult
				var err error
				if run.ExactArg {
					r, err = PermuteExact(g.Yi, g.Vi, opt, nil)
				} else {
					r, err = Permute(g.Yi, g.Vi, opt, run.IterArg, 1, nil)
				}
				if err != nil {
					t.Fatal(err)
				}
				if r.Exact != (run.Kind == "exact") || r.Iterations != run.Iterations {
					t.Fatalf("exact = %v, %d iterations; metafor: %s, %d", r.Exact, r.Iterations, run.Kind, run.Iterations)
				}
				if !slices.Equal(r.Names, run.Names) {
					t.Fatalf("names %v, metafor %v", r.Names, run.Names)
				}
				dz := math.Abs(r.QM-run.QM) / run.QM
				for j, z := range run.Zval {
					dz = max(dz, math.Abs(r.Statistic[j]-z)/math.Abs(z))
					if math.Abs(r.Statistic[j]-z) > statTol*math.Abs(z) {
						t.Errorf("%s: statistic %.10g, metafor %.10g", run.Names[j], r.Statistic[j], z)
					}
				}
				if math.Abs(r.QM-run.QM) > statTol*run.QM {
					t.Errorf("QM %.10g, metafor %.10g", r.QM, run.QM)
				}
				if r.Failed != run.NFailed {
					t.Errorf("%d failed fits, metafor %d", r.Failed, run.NFailed)
				}
				if run.Kind != "exact" {
					return
				}
				var dp float64
				for j, p := range run.P {
					dp = max(dp, math.Abs(r.P[j]-p))
					if math.Abs(r.P[j]-p) > pTol {
						t.Errorf("%s: p = %.15g (%g of %d), metafor %.15g (%g)", run.Names[j], r.P[j],
							r.P[j]*float64(r.Iterations), r.Iterations, p, p*float64(run.Iterations))
					}
				}
				if math.Abs(r.QMP-run.QMP) > pTol {
					t.Errorf("QM_p = %.15g, metafor %.15g", r.QMP, run.QMP)
				}
				t.Logf("%d permutations, max |Δp| = %.1g, max relative Δ statistic = %.1g",
					r.Iterations, max(dp, math.Abs(r.QMP-run.QMP)), dz)
			})
		}
	}
}

// TestMultisetEnumeration checks the count, the lexicographic successor and
// the unranking of multiset arrangements against brute force: all k!
// orderings of the elements, deduplicated.
func TestMultisetEnumeration(t *testing.T) {
	for _, count := range [][]int{{1, 1, 1, 1}, {2, 3}, {1, 2, 1, 2}, {3, 1, 1, 1}, {4}, {1, 5}, {2, 2, 2}} {
		var elems []int
		for g, c := range count {
			for range c {
				elems = append(elems, g)
			}
		}
		// Brute force: Heap's algorithm over positions, keep distinct label
		// sequences, sort them lexicographically.
		seen := map[string][]int{}
		a := slices.Clone(elems)
		var heap func(n int)
		heap = func(n int) {
			if n == 1 {
				seen[fmt.Sprint(a)] = slices.Clone(a)
				return
			}
			for i := 0; i < n-1; i++ {
				heap(n - 1)
				if n%2 == 0 {
					a[i], a[n-1] = a[n-1], a[i]
				} else {
					a[0], a[n-1] = a[n-1], a[0]
				}
			}
			heap(n - 1)
		}
		heap(len(a))
		var want [][]int
		for _, s := range seen {
			want = append(want, s)
		}
		slices.SortFunc(want, slices.Compare)

		n := multinomial(count)
		if !n.IsInt64() || n.Int64() != int64(len(want)) {
			t.Errorf("%v: multinomial %s, brute force %d", count, n, len(want))
			continue
		}
		lab := slices.Clone(elems) // rank 0: sorted
		scratch := make([]int, len(count))
		got := make([]int, len(lab))
		for r, w := range want {
			if !slices.Equal(lab, w) {
				t.Errorf("%v: arrangement %d is %v, want %v", count, r, lab, w)
				break
			}
			unrankMultiset(uint64(r), uint64(len(want)), count, scratch, got)
			if !slices.Equal(got, w) {
				t.Errorf("%v: unrank(%d) = %v, want %v", count, r, got, w)
			}
			from := nextMultiset(lab)
			if r == len(want)-1 {
				if from != -1 {
					t.Errorf("%v: successor after the last arrangement", count)
				}
			} else if !slices.Equal(lab[:from], w[:from]) {
				t.Errorf("%v: successor of %v changed positions before %d", count, w, from)
			}
		}
	}
}

// TestRowGroups: identical rows of the model matrix share a label.
func TestRowGroups(t *testing.T) {
	// Rows (intercept, x, g): (1,1,0) twice, (1,2,1), (1,2,0), (1,1,0) again.
	x := []float64{1, 1, 0, 1, 2, 1, 1, 1, 0, 1, 2, 0, 1, 1, 0}
	label, rep, count := rowGroups(x, 5, 3)
	if want := []int{0, 2, 0, 1, 0}; !slices.Equal(label, want) {
		t.Errorf("labels %v, want %v", label, want)
	}
	if want := []int{3, 1, 1}; !slices.Equal(count, want) {
		t.Errorf("counts %v, want %v", count, want)
	}
	for g, i := range rep {
		if label[i] != g {
			t.Errorf("representative %d of group %d has label %d", i, g, label[i])
		}
	}
}

// TestPermuteExactBruteForce: the exact test over unique row permutations
// equals the test over all k! permutations refitted with Fit (each unique
// permutation occurs Π mᵢ! times, which leaves the shares unchanged).
func TestPermuteExactBruteForce(t *testing.T) {
	y := []float64{0.42, 0.10, 0.31, -0.05, 0.55, 0.22}
	v := []float64{0.02, 0.035, 0.015, 0.04, 0.025, 0.03}
	g := []string{"a", "b", "a", "b", "b", "a"}
	x := []float64{1, 2, 2, 3, 1, 2}
	for _, tc := range []struct {
		method, test string
		mods         []Moderator
		unique       int
	}{
		{"REML", "z", []Moderator{{Name: "g", Text: g}}, 20},
		{"DL", "knha", []Moderator{{Name: "x", Numeric: x}, {Name: "g", Text: g}}, 360}, // (2,a) twice
	} {
		opt := Options{Method: tc.method, Test: tc.test, Mods: tc.mods}
		r, err := PermuteExact(y, v, opt, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Exact || r.Iterations != tc.unique {
			t.Errorf("%s: exact %v, %d permutations, want %d", tc.method, r.Exact, r.Iterations, tc.unique)
		}
		k := len(y)
		perm := []int{0, 1, 2, 3, 4, 5}
		hit := make([]int, len(r.P))
		var qHit, total int
		var heap func(n int)
		heap = func(n int) {
			if n == 1 {
				pm := make([]Moderator, len(tc.mods))
				for m, mod := range tc.mods {
					pm[m].Name = mod.Name
					for _, src := range perm {
						if mod.Numeric != nil {
							pm[m].Numeric = append(pm[m].Numeric, mod.Numeric[src])
						} else {
							pm[m].Text = append(pm[m].Text, mod.Text[src])
						}
					}
				}
				po := opt
				po.Mods = pm
				f, err := Fit(y, v, po)
				if err != nil {
					t.Fatal(err)
				}
				total++
				for j, c := range f.Coefficients {
					if math.Abs(c.Statistic) >= math.Abs(r.Statistic[j])-comptol {
						hit[j]++
					}
				}
				if f.QM >= r.QM-comptol {
					qHit++
				}
				return
			}
			for i := 0; i < n-1; i++ {
				heap(n - 1)
				if n%2 == 0 {
					perm[i], perm[n-1] = perm[n-1], perm[i]
				} else {
					perm[0], perm[n-1] = perm[n-1], perm[0]
				}
			}
			heap(n - 1)
		}
		heap(k)
		for j := range hit {
			if want := float64(hit[j]) / float64(total); math.Abs(r.P[j]-want) > 1e-12 {
				t.Errorf("%s %s: p = %g, brute force %g", tc.method, r.Names[j], r.P[j], want)
			}
		}
		if want := float64(qHit) / float64(total); math.Abs(r.QMP-want) > 1e-12 {
			t.Errorf("%s: QM_p = %g, brute force %g", tc.method, r.QMP, want)
		}
	}
}

// TestPermuteExactErrors: an exact test with more than 2^32 permutations
// is refused, and Permute does not choose one by itself.
func TestPermuteExactErrors(t *testing.T) {
	y, v := simulate(20, 4)
	x := make([]float64, 20)
	for i := range x {
		x[i] = float64(i)
	}
	opt := Options{Mods: []Moderator{{Name: "x", Numeric: x}}}
	if _, err := PermuteExact(y, v, opt, nil); err == nil {
		t.Error("PermuteExact with 20! permutations: no error")
	}
	r, err := Permute(y, v, opt, 50, 1, nil)
	if err != nil || r.Exact || r.Iterations != 50 {
		t.Errorf("random test: %v, exact %v, %d iterations", err, r != nil && r.Exact, r.Iterations)
	}
}

// ExamplePermuteExact: the two-group data of permute_factor.json (3 vs 5
// studies, so 8!/(3!·5!) = 56 unique permutations); metafor 3.8-1's
// permutest(exact = TRUE) gives p = 10/56 and 21/56.
func ExamplePermuteExact() {
	yi := []float64{0.899, 0.289, 0.3347, 0.0776, 0.4, 0.5483, 0.7297, 0.2194}
	vi := []float64{0.018, 0.0374, 0.0467, 0.0214, 0.0142, 0.038, 0.0311, 0.0423}
	g := []string{"ctrl", "tau", "tau", "ctrl", "tau", "tau", "ctrl", "tau"}
	r, err := PermuteExact(yi, vi, Options{Mods: []Moderator{{Name: "g", Text: g}}}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Iterations, r.Exact)
	for j, name := range r.Names {
		fmt.Printf("%s: p = %.6f\n", name, r.P[j])
	}
	fmt.Printf("QM: p = %.6f\n", r.QMP)
	// Output:
	// 56 true
	// intrcpt: p = 0.178571
	// gtau: p = 0.375000
	// QM: p = 0.375000
}

func BenchmarkPermuteKNHA300x1000(b *testing.B) {
	y, v := simulate(300, 3)
	x := make([]float64, 300)
	for i := range x {
		x[i] = float64(i % 7)
	}
	opt := Options{Test: TestKNHA, Mods: []Moderator{{Name: "x", Numeric: x}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Permute(y, v, opt, 1000, 1, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPermuteExact7 enumerates all 7! = 5040 row permutations.
func BenchmarkPermuteExact7(b *testing.B) {
	y, v := simulate(7, 5)
	x := []float64{0.5, 1.2, 2.2, 3.1, 4.8, 5.0, 6.3}
	opt := Options{Mods: []Moderator{{Name: "x", Numeric: x}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PermuteExact(y, v, opt, nil); err != nil {
			b.Fatal(err)
		}
	}
}
