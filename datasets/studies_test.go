package datasets

import (
	"math"
	"strings"
	"testing"
)

func TestStudiesDefaultsAndOverrides(t *testing.T) {
	text := "Author,Year,RI,NI,design,quality,lab\n" +
		"\"Axelsson et al.\",2009,0.187,109,cross,1,a\n" +
		"\"Bruce et al.\",2010,0.34,55,prosp,NA,a\n" +
		",2011,-0.05,200,NA,3,b\n"
	tab := mustRead(t, "s.csv", text, ReadOptions{})
	s, err := tab.Studies(StudyColumns{Mods: []string{"design", "Quality", "year"}, Cluster: []string{"LAB"}}, StudyOptions{FisherZ: true})
	if err != nil {
		t.Fatal(err)
	}
	if s.K() != 3 || s.Yi != nil || s.Vi != nil || s.Sei != nil {
		t.Fatalf("k %d yi %v", s.K(), s.Yi)
	}
	if got := strings.Join(s.Label, "|"); got != "Axelsson et al.|Bruce et al.|3" {
		t.Errorf("labels %q", got)
	}
	wantR, wantN := []float64{0.187, 0.34, -0.05}, []float64{109, 55, 200}
	for i := range wantR {
		if s.R[i] != wantR[i] || s.N[i] != wantN[i] {
			t.Errorf("row %d: r %v n %v", i, s.R[i], s.N[i])
		}
	}
	if c := s.Columns; c.Label != "Author" || c.R != "RI" || c.N != "NI" || c.Yi != "" {
		t.Errorf("columns %+v", c)
	}
	design, quality, year := s.Mods[0], s.Mods[1], s.Mods[2]
	if design.Numeric || strings.Join(design.Text, "|") != "cross|prosp|" || !design.Missing(2) {
		t.Errorf("design %+v", design)
	}
	if !quality.Numeric || quality.Name != "quality" || quality.Num[0] != 1 || !math.IsNaN(quality.Num[1]) || quality.Num[2] != 3 {
		t.Errorf("quality %+v", quality)
	}
	if !year.Numeric || year.Num[2] != 2011 {
		t.Errorf("year %+v", year)
	}
	if len(s.Cluster) != 1 || strings.Join(s.Cluster[0].Text, "") != "aab" {
		t.Errorf("cluster %+v", s.Cluster)
	}
	if !equalInts(s.Line, []int{2, 3, 4}) {
		t.Errorf("lines %v", s.Line)
	}

	// Precomputed effect sizes named explicitly: the r/n defaults are not used
	// even though a broken "r" column exists.
	tab = mustRead(t, "es.csv", "study,r,g,var_g\nA,oops,0.5,0.04\nB,,0.2,0.01\n", ReadOptions{})
	s, err = tab.Studies(StudyColumns{Yi: "g", Vi: "var_g"}, StudyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s.R != nil || s.Yi[0] != 0.5 || s.Vi[1] != 0.01 {
		t.Errorf("es: r %v yi %v vi %v", s.R, s.Yi, s.Vi)
	}
	// yi with sei only.
	tab = mustRead(t, "sei.csv", "yi\tsei\n0.1\t0.2\n", ReadOptions{})
	if s, err = tab.Studies(StudyColumns{}, StudyOptions{}); err != nil || s.Sei[0] != 0.2 || s.Vi != nil {
		t.Errorf("sei: %v %+v", err, s)
	}
}

func TestStudiesBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		cols StudyColumns
		opt  StudyOptions
		want []string // full problem lines, in order
	}{
		{"range.csv", "study,ri,ni\nA,1,20\nB,-1.2,30\nC,0.99,40\nD,-1,50\n", StudyColumns{}, StudyOptions{}, []string{
			`range.csv:2: column "ri": "1" is outside (-1, 1): a correlation must lie strictly between -1 and 1`,
			`range.csv:3: column "ri": "-1.2" is outside (-1, 1): a correlation must lie strictly between -1 and 1`,
			`range.csv:5: column "ri": "-1" is outside (-1, 1): a correlation must lie strictly between -1 and 1`}},
		{"small.csv", "ri,ni\n.2,3\n.3,4\n.1,0\n", StudyColumns{}, StudyOptions{FisherZ: true}, []string{
			`small.csv:2: column "ni": "3" is too small: Fisher z needs n > 3 (its variance is 1/(n - 3)); remove the study or use raw correlations`,
			`small.csv:4: column "ni": "0" is not a positive sample size`}},
		{"small-raw.csv", "ri,ni\n.2,3\n.1,-5\n", StudyColumns{}, StudyOptions{}, []string{
			`small-raw.csv:3: column "ni": "-5" is not a positive sample size`}},
		{"neg.csv", "yi,vi,sei\n.2,-0.01,0.1\n.3,0.02,-0.2\n", StudyColumns{}, StudyOptions{}, []string{
			`neg.csv:2: column "vi": "-0.01" is negative: a sampling variance cannot be negative`,
			`neg.csv:3: column "sei": "-0.2" is negative: a standard error cannot be negative`}},
		{"missing.csv", "study,ri,ni\nA,NA,20\nB,.3,\nC,.,-99\n", StudyColumns{}, StudyOptions{}, []string{
			`missing.csv:2: column "ri": "NA" is a missing-value code; every study needs a correlation (fill it in or remove the row)`,
			`missing.csv:3: column "ni": missing value; every study needs a sample size (fill it in or remove the row)`,
			`missing.csv:4: column "ri": "." is a missing-value code; every study needs a correlation (fill it in or remove the row)`,
			`missing.csv:4: column "ni": "-99" is not a positive sample size`}},
		{"missing-es.csv", "yi,vi\nNA,0.1\n0.2,NA\n", StudyColumns{}, StudyOptions{}, []string{
			`missing-es.csv:2: column "yi": "NA" is a missing-value code; every study needs an effect size (fill it in or remove the row)`,
			`missing-es.csv:3: column "vi": "NA" is a missing-value code; every study needs a sampling variance (fill it in or remove the row)`}},
		{"neither.csv", "study,x,y\nA,1,2\n", StudyColumns{}, StudyOptions{}, []string{
			`neither.csv: need correlations and sample sizes (columns ri/r and ni/n) or effect sizes with variances (yi with vi or sei); columns are: study, x, y (name them in StudyColumns.R and StudyColumns.N, or StudyColumns.Yi with StudyColumns.Vi or StudyColumns.Sei)`}},
		{"r-only.csv", "study,r\nA,.1\n", StudyColumns{}, StudyOptions{}, []string{
			`r-only.csv: found correlations in column "r" but no sample sizes (ni, n); columns are: study, r (name it in StudyColumns.N)`}},
		{"yi-only.csv", "study,yi\nA,.1\n", StudyColumns{}, StudyOptions{}, []string{
			`yi-only.csv: found effect sizes in column "yi" but no sampling variances (vi) or standard errors (sei); columns are: study, yi (name one in StudyColumns.Vi or StudyColumns.Sei)`}},
		{"unknown.csv", "study,ri,ni\nA,.1,20\n", StudyColumns{R: "rr", Mods: []string{"year"}, Cluster: []string{"lab"}}, StudyOptions{}, []string{
			`unknown.csv: column "rr" not found; columns are: study, ri, ni (name an existing column in StudyColumns.R)`,
			`unknown.csv: column "year" not found; columns are: study, ri, ni (name an existing column in StudyColumns.Mods)`,
			`unknown.csv: column "lab" not found; columns are: study, ri, ni (name an existing column in StudyColumns.Cluster)`}},
		{"cluster.csv", "lab,ri,ni\na,.1,20\n,.2,30\n", StudyColumns{Cluster: []string{"lab"}}, StudyOptions{}, []string{
			`cluster.csv:3: column "lab": missing value; every row needs a cluster id (fill it in or remove the row)`}},
		{"ambiguous.csv", "ri,RI,ni\n.1,.2,20\n", StudyColumns{}, StudyOptions{}, []string{
			`ambiguous.csv: several columns are named "ri" (ignoring case) (name the one to use in StudyColumns.R)`}},
		{"text.csv", "study,ri,ni\nA,.1,twenty\nB,35%,30\n", StudyColumns{}, StudyOptions{}, []string{
			`text.csv:2: column "ni": "twenty" is not a number`,
			`text.csv:3: column "ri": "35%" is not a number`}},
	} {
		tab := mustRead(t, tc.name, tc.text, ReadOptions{NA: []string{}})
		_, err := tab.Studies(tc.cols, tc.opt)
		ie, msg := inputProblems(t, err)
		if msg != strings.Join(tc.want, "\n") {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", tc.name, msg, strings.Join(tc.want, "\n"))
		}
		if ie.Total != len(tc.want) {
			t.Errorf("%s: total %d, want %d", tc.name, ie.Total, len(tc.want))
		}
	}
}

func TestStudiesDataFrame(t *testing.T) {
	tab := mustRead(t, "df.csv", "study,ri,ni,type\nA,0.1,20,x\nB,0.2,30,\n", ReadOptions{})
	s, err := tab.Studies(StudyColumns{Mods: []string{"type"}}, StudyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	df := s.DataFrame()
	if df.Err != nil {
		t.Fatal(df.Err)
	}
	if got := strings.Join(df.Names(), ","); got != "study,ri,ni,type" {
		t.Errorf("names %q", got)
	}
	if r, n := df.Col("ri").Float(), df.Col("ni").Float(); r[1] != 0.2 || n[0] != 20 {
		t.Errorf("ri %v ni %v", r, n)
	}
	if ty := df.Col("type").Records(); ty[0] != "x" {
		t.Errorf("type %v", ty)
	}
}

func TestZeroVarianceIsAnError(t *testing.T) {
	tab, err := ReadBytes("zero.csv", []byte("study,yi,vi\nA,0.2,0\nB,0.3,0.1\n"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tab.Studies(StudyColumns{}, StudyOptions{})
	if err == nil || !strings.Contains(err.Error(), `zero.csv:2: column "vi": "0" is zero`) {
		t.Errorf("vi = 0: %v", err)
	}
}

// Naming the sample-size column keeps the yi/vi defaults (issue 14: --n
// with yi/vi data switched them off and the load failed).
func TestNamedNKeepsEffectSizeDefaults(t *testing.T) {
	tab, err := Read("s.csv", strings.NewReader("study,yi,vi,ni\na,.2,.01,100\nb,.3,.02,50\n"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := tab.Studies(StudyColumns{N: "ni"}, StudyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Yi == nil || st.Vi == nil || st.N == nil || st.Columns.Yi != "yi" || st.Columns.N != "ni" {
		t.Errorf("columns %+v", st.Columns)
	}
}
