package sessions

import "testing"

// Summary.WithLag and WithNext counted by hand on small(): P1 has sessions
// 1, 2, 4; P2 and P3 have 1, 2, 3; P4 has session 1 only.
func TestSummaryLagCounts(t *testing.T) {
	for _, tc := range []struct {
		gap       int
		lag, next int
		why       string
	}{
		// Gap 1: lag rows P1 s2, P2 s2 s3, P3 s2 s3; next rows P1 s1, P2 s1 s2, P3 s1 s2.
		{1, 5, 5, "P1's session 4 follows a gap of 2"},
		// Gap 2: P1 s4 (lag s2) and P1 s2 (next s4) join.
		{2, 6, 6, "P1's gap of 2 is bridged"},
	} {
		_, sum, err := Derive(small(), Options{MaxLagGap: tc.gap})
		if err != nil {
			t.Fatal(err)
		}
		if sum.WithLag != tc.lag || sum.WithNext != tc.next {
			t.Errorf("MaxLagGap %d (%s): rows_with_lag %d, rows_with_next %d; want %d, %d",
				tc.gap, tc.why, sum.WithLag, sum.WithNext, tc.lag, tc.next)
		}
	}
}
