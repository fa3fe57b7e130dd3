package mixed

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortedLabelPermMatchesByteOrder checks the prefix-key sort against
// sortedPerm (byte order through cmp.Compare) on labels built to tie in
// their first bytes: shared prefixes, labels that are prefixes of others,
// zero bytes, long common stems and multi-byte UTF-8.
func TestSortedLabelPermMatchesByteOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"", "\x00", "a", "b", "P", "0", "1", "9", "ü", "\xff"}
	for trial := range 300 {
		n := 1 + rng.IntN(60)
		stem := []string{"", "patient_", "P00", "therapist-2026-"}[trial%4]
		seen := map[string]bool{}
		var labels []string
		for len(labels) < n {
			s := stem
			for range rng.IntN(12) {
				s += alphabet[rng.IntN(len(alphabet))]
			}
			if !seen[s] {
				seen[s] = true
				labels = append(labels, s)
			}
		}
		got, want := sortedLabelPerm(labels), sortedPerm(labels)
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d: labels %q: got order %v, byte order %v", trial, labels, got, want)
		}
	}
}

func TestSortedLabelPermNumbers(t *testing.T) {
	var labels []string
	for i := 5000; i >= 1; i-- {
		labels = append(labels, fmt.Sprint(i))
	}
	perm := sortedLabelPerm(labels)
	for k := 1; k < len(perm); k++ {
		if labels[perm[k-1]] >= labels[perm[k]] {
			t.Fatalf("positions %d, %d: %q before %q", k-1, k, labels[perm[k-1]], labels[perm[k]])
		}
	}
	if labels[perm[0]] != "1" || labels[perm[1]] != "10" || labels[perm[len(perm)-1]] != "999" {
		t.Errorf("first, second, last = %q, %q, %q; want 1, 10, 999", labels[perm[0]], labels[perm[1]], labels[perm[len(perm)-1]])
	}
}

func BenchmarkSortLabels(b *testing.B) {
	var labels []string
	for i := 1; i <= 5000; i++ {
		labels = append(labels, fmt.Sprint(i))
	}
	b.Run("prefix", func(b *testing.B) {
		for b.Loop() {
			sortedLabelPerm(labels)
		}
	})
	b.Run("compare", func(b *testing.B) {
		for b.Loop() {
			sortedPerm(labels)
		}
	})
}

func TestSortKeysStable(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 5, 63, 64, 65, 1000} {
		for _, spread := range []uint64{1, 7, 1 << 20, 1<<63 + 12345} {
			keys := make([]labelKey, n)
			for i := range keys {
				keys[i] = labelKey{pre: rng.Uint64N(spread) << (rng.UintN(3) * 8), i: i}
			}
			want := slices.Clone(keys)
			slices.SortStableFunc(want, func(a, b labelKey) int {
				if a.pre != b.pre {
					if a.pre < b.pre {
						return -1
					}
					return 1
				}
				return a.i - b.i
			})
			sortKeys(keys)
			if !slices.Equal(keys, want) {
				t.Fatalf("n %d spread %d: radix order differs from a stable sort", n, spread)
			}
		}
	}
}

// TestGroupFactorOrder checks the interaction coding, crossed and nested in
// its last column (nestedInLast), against a direct
// definition: the distinct tuples of codes, sorted with the last variable
// most significant, labelled by their levels joined with ":", and every
// row coded by its tuple's rank.
func TestGroupFactorOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 50 {
		nv := 2 + trial%2
		n := 1 + rng.IntN(400)
		cols := make([]*column, nv)
		for v := range cols {
			nl := 1 + rng.IntN(30)
			c := &column{codes: make([]int32, n)}
			for l := range nl {
				c.levels = append(c.levels, fmt.Sprintf("v%d_%d", v, l))
			}
			run := 0
			for k := range c.codes {
				if run == 0 || rng.IntN(4) == 0 { // runs, as grouped data have
					run = rng.IntN(nl)
				}
				c.codes[k] = int32(run)
			}
			cols[v] = c
		}
		nested := trial%4 >= 2
		det := nv - 1 // the column the others depend on: the last, or (every other nested trial) the first
		if trial%8 >= 6 {
			det = 0
		}
		if nested { // the other columns a function of one: nestedIn's case
			last := cols[det]
			used := make([]bool, len(last.levels))
			for _, l := range last.codes {
				used[l] = true
			}
			var present []string
			remap := make([]int32, len(last.levels))
			for l, u := range used { // only levels some row has, as makeFactor makes them
				if u {
					remap[l] = int32(len(present))
					present = append(present, last.levels[l])
				}
			}
			last.levels = present
			for k := range last.codes {
				last.codes[k] = remap[last.codes[k]]
			}
			for v := 0; v < nv; v++ {
				if v == det {
					continue
				}
				if det == 0 { // fewer levels than the column they depend on, as nesting has
					cols[v].levels = cols[v].levels[:max(1, min(len(cols[v].levels), len(present)-1))]
				}
				parent := make([]int32, len(present))
				for l := range parent {
					parent[l] = int32(rng.IntN(len(cols[v].levels)))
				}
				for k := range cols[v].codes {
					cols[v].codes[k] = parent[last.codes[k]]
				}
			}
			if _, _, ok := nestedOn(cols, det); !ok {
				t.Fatalf("trial %d: the interaction nested in column %d was not recognised", trial, det)
			}
		}
		codes, labels := groupFactor(cols)
		if nested && det == nv-1 && &codes[0] != &cols[nv-1].codes[0] {
			t.Fatalf("trial %d: an interaction nested in its last column was not coded by it", trial)
		}
		var tuples [][]int
		seen := map[string]bool{}
		for k := 0; k < n; k++ {
			tup := make([]int, nv)
			for v, c := range cols {
				tup[v] = int(c.codes[k])
			}
			if key := fmt.Sprint(tup); !seen[key] {
				seen[key] = true
				tuples = append(tuples, tup)
			}
		}
		slices.SortFunc(tuples, func(a, b []int) int {
			for v := nv - 1; v >= 0; v-- {
				if a[v] != b[v] {
					return a[v] - b[v]
				}
			}
			return 0
		})
		if len(labels) != len(tuples) {
			t.Fatalf("trial %d: %d labels, %d distinct tuples", trial, len(labels), len(tuples))
		}
		for r, tup := range tuples {
			want := ""
			for v, c := range cols {
				if v > 0 {
					want += ":"
				}
				want += c.levels[tup[v]]
			}
			if labels[r] != want {
				t.Fatalf("trial %d: label %d = %q, want %q", trial, r, labels[r], want)
			}
		}
		for k := 0; k < n; k++ {
			tup := tuples[codes[k]]
			for v, c := range cols {
				if int(c.codes[k]) != tup[v] {
					t.Fatalf("trial %d: row %d coded %d = %v, row has %d for variable %d", trial, k, codes[k], tup, c.codes[k], v)
				}
			}
		}
	}
}
