package datasets

import (
	"math"
	"testing"
)

// FuzzStudies: the studies loader never panics on any table, and what it
// accepts has correlations in (−1, 1) and sample sizes > 0, or finite
// effect sizes with positive variances.
func FuzzStudies(f *testing.F) {
	for _, s := range []string{
		"study,ri,ni\na,0.3,40\nb,-0.2,50\n", "study,yi,vi\na,0.3,0.01\n", "ri,ni\n1.5,40\n",
		"study,ri,ni,mod\na,0.1,10,x\nb,NA,20,\n", "yi,sei\n.2,-1\n", "r;n\n0,3;12\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := ReadBytes("fuzz.csv", append([]byte(nil), data...), ReadOptions{MaxBytes: 1 << 20})
		if err != nil {
			return
		}
		st, err := tab.Studies(StudyColumns{}, StudyOptions{})
		if err != nil {
			return
		}
		for i := 0; i < st.K(); i++ {
			if len(st.R) > i && !math.IsNaN(st.R[i]) && !(st.R[i] > -1 && st.R[i] < 1) {
				t.Fatalf("accepted r = %v", st.R[i])
			}
		}
	})
}
