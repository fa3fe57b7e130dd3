package rupture

import (
	"math"
	"testing"
)

func TestSeriesFromRows(t *testing.T) {
	nan := math.NaN()
	s, o := SeriesFromRows(
		[]string{"b", "b", "a", "b", "a"}, []string{"t1", "t1", "t2", "t1", "t2"},
		[]int{1, 2, 1, 3, 2}, []float64{4, 3, 5, 4, 5}, []float64{nan, 20, 18, 15, nan})
	if len(s) != 2 || s[0].Patient != "b" || s[1].Patient != "a" || s[0].Therapist != "t1" {
		t.Fatalf("series %+v", s)
	}
	if len(s[0].Score) != 3 || s[0].Session[2] != 3 || s[1].Score[1] != 5 {
		t.Errorf("rows %+v", s)
	}
	// b: first observed outcome 20 (session 2), last 15; a: only 18.
	if o[0].Pre != 20 || o[0].Post != 15 || o[1].Pre != 18 || !math.IsNaN(o[1].Post) {
		t.Errorf("outcomes %+v", o)
	}
	if _, o := SeriesFromRows([]string{"a"}, nil, []int{1}, []float64{3}, nil); o != nil {
		t.Errorf("outcomes without an outcome column: %+v", o)
	}
}
