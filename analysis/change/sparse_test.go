package change

import (
	"fmt"
	"math"
	"math/rand"
	"reflect"
	"runtime"
	"testing"
)

// allocBytes returns the bytes allocated while f runs.
func allocBytes(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// TestSeriesFromLongSparse: one legal row at session 999,999,999 (or a range
// of ±2·10⁹) must not allocate per session number: the whole pipeline
// (build, detect, per-person, interval count, case selection) stays within
// a small memory bound.
func TestSeriesFromLongSparse(t *testing.T) {
	cases := []struct {
		name        string
		sess        []int
		first, last int
	}{
		{"far session", []int{1, 2, 3, 4, 5, 6, 999999999}, 1, 999999999},
		{"huge last", []int{1, 2, 3, 4, 5, 6, 7}, 1, 2000000000},
		{"huge negative first", []int{1, 2, 3, 4, 5, 6, 7}, -2000000000, 7},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pid := make([]string, len(tc.sess))
			sc := []float64{30, 29, 28, 15, 14, 13, 12}
			for i := range pid {
				pid[i] = "p1"
			}
			var gains []Gain
			var count IntervalCount
			var err error
			n := allocBytes(func() {
				var s []Series
				s, err = SeriesFromLong(pid, tc.sess, sc, tc.first, tc.last)
				if err != nil {
					return
				}
				gains, err = ByGain(s, DefaultCriteria(Gains, 5))
				if err != nil {
					return
				}
				if _, err = ByPerson(s, gains, First); err != nil {
					return
				}
				count = CountIntervals(s, false)
				_, err = SelectCases(s, 0)
			})
			if err != nil {
				t.Fatal(err)
			}
			if n > 1<<20 {
				t.Fatalf("allocated %d bytes for 7 observed scores", n)
			}
			if len(gains) != 1 || gains[0].Xn != 28 || gains[0].Xn1 != 15 {
				t.Fatalf("gains = %+v, want the one gain 28 → 15", gains)
			}
			width := tc.last - tc.first + 1
			if count.Total != width-1 || count.Available+count.NotAvailable != width-3 {
				t.Fatalf("interval count %+v for %d positions", count, width)
			}
		})
	}
}

// TestSparseEqualsDense: on random series with missing scores, every result
// computed from SeriesFromLong (sparse) equals the result from the same
// scores given densely (NewSeries), for every criteria switch.
func TestSparseEqualsDense(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for trial := 0; trial < 300; trial++ {
		width := 4 + rng.Intn(12)
		var pid []string
		var sess []int
		var sc []float64
		var dense []Series
		for p := 0; p < 3; p++ {
			id := string(rune('a' + p))
			v := make([]float64, width)
			for j := range v {
				v[j] = math.NaN()
				if rng.Float64() < 0.7 {
					v[j] = float64(rng.Intn(30))
					pid, sess, sc = append(pid, id), append(sess, j+1), append(sc, v[j])
				}
			}
			dense = append(dense, NewSeries(id, v))
		}
		sparse, err := SeriesFromLong(pid, sess, sc, 1, width)
		if err != nil {
			t.Fatal(err)
		}
		// Patients with no observed score are absent from the long data.
		keep := dense[:0]
		for _, s := range dense {
			for _, x := range s.Values {
				if !math.IsNaN(x) {
					keep = append(keep, s)
					break
				}
			}
		}
		dense = keep
		if len(sparse) != len(dense) {
			t.Fatalf("trial %d: %d sparse series, %d dense", trial, len(sparse), len(dense))
		}
		for i := range dense {
			if sparse[i].Len() != width || !same(sparse[i].Start, dense[i].Start) || !same(sparse[i].End, dense[i].End) {
				t.Fatalf("trial %d: series %d differs", trial, i)
			}
			for p := 0; p < width; p++ {
				if !same(sparse[i].At(p), dense[i].Values[p]) {
					t.Fatalf("trial %d: At(%d)", trial, p)
				}
			}
		}
		for _, c := range []Criteria{DefaultCriteria(Gains, 3), DefaultCriteria(Losses, -3)} {
			for sw := 0; sw < 8; sw++ {
				c.NoCutoff, c.NoPct, c.NoStability = sw&1 != 0, sw&2 != 0, sw&4 != 0
				if sw == 7 {
					continue
				}
				gs, err1 := ByGain(sparse, c)
				gd, err2 := ByGain(dense, c)
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				if !reflect.DeepEqual(floatsAsBits(gs), floatsAsBits(gd)) {
					t.Fatalf("trial %d switches %d: gains differ\nsparse %+v\ndense  %+v", trial, sw, gs, gd)
				}
			}
		}
		for _, bf := range []bool{false, true} {
			if a, b := CountIntervals(sparse, bf), CountIntervals(dense, bf); a != b {
				t.Fatalf("trial %d: count %+v vs %+v", trial, a, b)
			}
		}
		for _, min := range []int{0, 3} {
			a, _ := SelectCases(sparse, min)
			b, _ := SelectCases(dense, min)
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("trial %d: select %v vs %v", trial, a, b)
			}
		}
	}
}

func same(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

// floatsAsBits makes NaN fields comparable by DeepEqual.
func floatsAsBits(gs []Gain) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = fmt.Sprintf("%+v", g)
	}
	return out
}
