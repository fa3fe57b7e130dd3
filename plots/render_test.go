package plots

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// figures builds every figure on realistic inputs.
func figures(t testing.TB) map[string]*Figure {
	t.Helper()
	out := map[string]*Figure{}
	add := func(name string, f *Figure, err error) {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = f
	}
	yi, vi := molloyZ()
	rows, err := ForestStudies(molloyL, molloyN, yi, vi, 0.0081, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	overall := Summary{Label: "RE model", Estimate: 0.1499, Lower: 0.0881, Upper: 0.2117, PILower: math.Atanh(-0.045), PIUpper: math.Atanh(0.325),
		Note: "τ² = 0.008, I² = 61.7%, Q(15) = 38.16, p < .001"}
	rOpt := ForestOptions{Transform: math.Tanh, NoLeadingZero: true, EffectHeader: "r [95% CI]", XLabel: "Correlation (r)"}
	o := rOpt
	o.Overall = &overall
	f, err := Forest(rows, o)
	add("forest", f, err)

	// Subgroups: odd/even studies with their own subtotals.
	sg := append([]ForestRow(nil), rows...)
	for i := range sg {
		sg[i].Group = []string{"Self-report adherence", "Objective adherence"}[i%2]
	}
	o = rOpt
	o.Overall = &overall
	o.Sort = SortEffect
	o.Subgroups = []Summary{
		{Label: "Self-report adherence", Estimate: 0.17, Lower: 0.09, Upper: 0.25, PILower: math.NaN(), PIUpper: math.NaN(), Note: "τ² = 0.006, I² = 48.0%"},
		{Label: "Objective adherence", Estimate: 0.12, Lower: 0.03, Upper: 0.21, PILower: math.NaN(), PIUpper: math.NaN()},
	}
	f, err = Forest(sg, o)
	add("forest_subgroups", f, err)

	// k = 300.
	labs, n, y3, v3 := simStudies(300, 0.28, 0.12, 7)
	rows300, err := ForestStudies(labs, n, y3, v3, 0.0144, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	o = rOpt
	o.Overall = &Summary{Label: "RE model", Estimate: math.Atanh(0.278), Lower: math.Atanh(0.256), Upper: math.Atanh(0.299),
		PILower: math.Atanh(0.05), PIUpper: math.Atanh(0.48)}
	o.Sort = SortWeight
	f, err = Forest(rows300, o)
	add("forest_k300", f, err)

	// Leave-one-out: estimates with CIs, no weights or n.
	var loo []ForestRow
	for i, l := range molloyL {
		e := 0.15 + 0.01*math.Sin(float64(i))
		loo = append(loo, ForestRow{Label: "omitting " + l, Estimate: e, Lower: e - 0.065, Upper: e + 0.065})
	}
	o = rOpt
	o.LabelHeader = "Study left out"
	o.Width = ColumnWidth
	o.Theme = Theme{FontSize: 7}
	f, err = Forest(loo, o)
	add("forest_leave1out_column", f, err)

	sei := make([]float64, len(vi))
	for i, v := range vi {
		sei[i] = math.Sqrt(v)
	}
	f, err = Funnel(yi, sei, FunnelOptions{Estimate: 0.1499, Contours: true, XLabel: "Fisher's z",
		FilledYi: []float64{0.05, 0.02, -0.03}, FilledSEI: []float64{0.135, 0.128, 0.132}, Egger: &EggerLine{Intercept: 0.12, Slope: 0.35}})
	add("funnel", f, err)
	f, err = Funnel(yi, sei, FunnelOptions{Estimate: 0.1499, XLabel: "Fisher's z"})
	add("funnel_plain", f, err)

	bx, by := make([]float64, len(yi)), make([]float64, len(yi))
	for i := range yi {
		bx[i] = (yi[i] - 0.15) * (yi[i] - 0.15) / (vi[i] + 0.0081)
		by[i] = bx[i] * 0.3 / (1 + float64(i%5))
	}
	f, err = Baujat(bx, by, BaujatOptions{Labels: nil})
	add("baujat", f, err)
	f, err = Radial(yi, vi, 0.1499, RadialOptions{Tau2: 0.0081})
	add("radial", f, err)
	mod := make([]float64, len(yi))
	w := make([]float64, len(yi))
	for i := range mod {
		mod[i] = 1995 + float64(i)
		w[i] = 1 / (vi[i] + 0.0081)
	}
	f, err = Bubble(mod, yi, w, BubbleOptions{Intercept: 0.05, Slope: 0.01, Vcov: []float64{0.004, -0.0003, 0.00003}, Transform: math.Tanh,
		XLabel: "Publication year", YLabel: "Correlation (r)"})
	add("bubble", f, err)
	// Bubble's moderator is centred here to keep Vcov realistic.
	for i := range mod {
		mod[i] -= 2002.5
	}
	f, err = Bubble(mod, yi, w, BubbleOptions{Intercept: 0.15, Slope: 0.01, Vcov: []float64{0.0011, 0, 0.00003}, Transform: math.Tanh,
		XLabel: "Publication year (centred)", YLabel: "Correlation (r)"})
	add("bubble", f, err)
	k := len(yi)
	rs, cook, hat := make([]float64, k), make([]float64, k), make([]float64, k)
	flag := make([]bool, k)
	for i := range yi {
		rs[i] = (yi[i] - 0.15) / math.Sqrt(vi[i]+0.0081)
		cook[i] = rs[i] * rs[i] / float64(k)
		hat[i] = w[i] / 260
		flag[i] = math.Abs(rs[i]) > 2.5
	}
	f, err = Influence([]InfluenceSeries{{Name: "rstudent", Values: rs, RefLines: []float64{-3, 0, 3}}, {Name: "cook.d", Values: cook},
		{Name: "hat", Values: hat, RefLines: []float64{3.0 / float64(k)}}, {Name: "weight", Values: w}}, InfluenceOptions{Flagged: flag})
	add("influence", f, err)

	id, sess, all, outc, grp := simSessions(40, 12, 3)
	f, err = Trajectories(id, sess, outc, TrajectoryOptions{Group: grp, YLabel: "Symptoms (OQ-45/10)"})
	add("trajectories", f, err)
	f, err = Rupture(sess[:12], all[:12], RuptureOptions{Ruptures: []float64{4, 9}, Repairs: []float64{5, 11}, Threshold: 4.1, Mean: 4.7, Title: "Patient P001"})
	add("rupture", f, err)
	var win [][6]float64
	for i := 0; i < 25; i++ {
		b := 30 - 0.5*float64(i%7)
		win = append(win, [6]float64{b + 1, b, b - 1 + 0.1*float64(i%3), b - 9, b - 9.5, b - 10 + 0.2*float64(i%4)})
	}
	win[3][0] = math.NaN()
	f, err = SuddenGain(win, SuddenGainOptions{YLabel: "BDI"})
	add("suddengain", f, err)
	pre, post := make([]float64, 60), make([]float64, 60)
	for i := range pre {
		pre[i] = 18 + 0.25*float64(i%20)
		post[i] = pre[i] - 8 + 0.45*float64((i*7)%30) - 2
	}
	cats := make([]string, 60)
	for i := range cats {
		switch d := post[i] - pre[i]; {
		case d < -5.4 && post[i] < 14:
			cats[i] = "recovered"
		case d < -5.4:
			cats[i] = "improved"
		case d > 5.4:
			cats[i] = "deteriorated"
		default:
			cats[i] = "unchanged"
		}
	}
	f, err = JacobsonTruax(pre, post, JTOptions{SDiff: 2.76, Cutoff: 14, Categories: cats, Label: "BDI"})
	add("jacobson_truax", f, err)
	names := make([]string, 30)
	est, sd := make([]float64, 30), make([]float64, 30)
	for i := range names {
		names[i] = "T" + string(rune('A'+i%26)) + string(rune('a'+i/26))
		est[i] = 0.8 * math.Sin(float64(i)*1.7)
		sd[i] = 0.2 + 0.1*math.Abs(math.Cos(float64(i)))
	}
	f, err = Caterpillar(names, est, sd, CaterpillarOptions{XLabel: "Therapist effect (BLUP)"})
	add("caterpillar", f, err)
	f, err = WithinBetween(id, all, outc, WBOptions{XLabel: "Alliance (WAI-SR)", YLabel: "Symptoms"})
	add("within_between", f, err)
	return out
}

// TestRenderAllFormats renders every figure as PNG, SVG and PDF twice and
// checks the bytes are identical, non-trivial and of the right format.
func TestRenderAllFormats(t *testing.T) {
	view := os.Getenv("PLOTS_VIEW") // a directory to keep the PNGs for inspection
	for name, f := range figures(t) {
		for _, format := range []string{"png", "svg", "pdf"} {
			var a, b bytes.Buffer
			if err := f.Encode(&a, format); err != nil {
				t.Fatalf("%s.%s: %v", name, format, err)
			}
			if err := f.Encode(&b, format); err != nil {
				t.Fatalf("%s.%s (second): %v", name, format, err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Errorf("%s.%s: two renderings differ (%d vs %d bytes)", name, format, a.Len(), b.Len())
			}
			magic := map[string]string{"png": "\x89PNG", "svg": "<?xml", "pdf": "%PDF-"}[format]
			if !bytes.HasPrefix(a.Bytes(), []byte(magic)) || a.Len() < 2000 {
				t.Errorf("%s.%s: %d bytes, not a %s file", name, format, a.Len(), format)
			}
			if view != "" && format == "png" {
				if err := os.WriteFile(filepath.Join(view, name+".png"), a.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}
