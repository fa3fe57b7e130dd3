package simulate

import (
	"bytes"
	"errors"
	"math"
	"regexp"
	"strings"
	"testing"
)

func bigStudyParams() StudyParams {
	p := DefaultStudyParams()
	p.Seed = 11
	p.Studies = 20000
	return p
}

func TestStudyParamsValidate(t *testing.T) {
	if err := DefaultStudyParams().Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	tests := []struct {
		field string
		mut   func(*StudyParams)
	}{
		{"Studies", func(p *StudyParams) { p.Studies = 0 }},
		{"MeanR", func(p *StudyParams) { p.MeanR = 1 }},
		{"MeanR", func(p *StudyParams) { p.MeanR = math.NaN() }},
		{"TauStudy", func(p *StudyParams) { p.TauStudy = -0.1 }},
		{"TauEffect", func(p *StudyParams) { p.TauEffect = 2 }},
		{"MultiRate", func(p *StudyParams) { p.MultiRate = 1.5 }},
		{"MaxEffects", func(p *StudyParams) { p.MaxEffects = 1 }},
		{"MinN", func(p *StudyParams) { p.MinN = 3 }},
		{"MinN", func(p *StudyParams) { p.MaxN = p.MinN - 1 }},
		{"MedianN", func(p *StudyParams) { p.MedianN = 10 }},
		{"SDLogN", func(p *StudyParams) { p.SDLogN = -1 }},
		{"YearMin", func(p *StudyParams) { p.YearMax = p.YearMin - 1 }},
		{"AllianceRaterProbs", func(p *StudyParams) { p.AllianceRaterProbs = [3]float64{0.5, 0.2, 0.2} }},
		{"OutcomeRaterProbs", func(p *StudyParams) { p.OutcomeRaterProbs[1] = -0.1 }},
		{"TreatmentProbs", func(p *StudyParams) { p.TreatmentProbs = [4]float64{} }},
		{"TreatmentEffects", func(p *StudyParams) { p.TreatmentEffects[2] = math.Inf(1) }},
	}
	for _, tc := range tests {
		p := DefaultStudyParams()
		tc.mut(&p)
		err := p.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: got error %v, want one naming %s", tc.field, err, tc.field)
			continue
		}
		var buf bytes.Buffer
		if _, err := WriteStudiesCSV(&buf, p); err == nil || buf.Len() != 0 {
			t.Errorf("%s: WriteStudiesCSV wrote %d bytes, err %v; want nothing and an error", tc.field, buf.Len(), err)
		}
	}
	var zero StudyParams
	if err := zero.Validate(); err == nil || !strings.Contains(err.Error(), "DefaultStudyParams") {
		t.Errorf("zero value: got %v, want an error pointing to DefaultStudyParams", err)
	}
	if _, err := WriteStudiesCSV(failWriter{}, DefaultStudyParams()); err == nil {
		t.Error("failing writer: no error")
	}
	stop := errors.New("stop")
	if _, err := Studies(DefaultStudyParams(), func(*StudyRow) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("callback error: got %v", err)
	}
}

func studiesCSV(t *testing.T, p StudyParams) string {
	t.Helper()
	var b bytes.Buffer
	if _, err := WriteStudiesCSV(&b, p); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestStudiesDeterministic checks byte equality for a seed, a change with the
// seed, and that study i's draws do not depend on k.
func TestStudiesDeterministic(t *testing.T) {
	p := DefaultStudyParams()
	a, b := studiesCSV(t, p), studiesCSV(t, p)
	if a != b {
		t.Fatal("same seed gave different output")
	}
	p.Seed++
	if studiesCSV(t, p) == a {
		t.Fatal("different seeds gave identical output")
	}
	p = DefaultStudyParams()
	p.Studies = 30
	short := studiesCSV(t, p)
	if !strings.HasPrefix(a, short) {
		t.Error("the first 30 studies of k=60 differ from a run with k=30")
	}
}

// TestStudiesStructure checks labels, ids, ranges and the categorical
// frequencies (binomial, 4.5 SE) on a large run.
func TestStudiesStructure(t *testing.T) {
	p := bigStudyParams()
	label := regexp.MustCompile(`^Study (\d{5}) \((\d{4})\)$`)
	perStudy := make(map[int]int)
	ar := map[string]int{}
	or := map[string]int{}
	tr := map[string]int{}
	years := map[int]int{}
	esid := 0
	var prev StudyRow
	sum, err := Studies(p, func(s *StudyRow) error {
		esid++
		if s.ESID != esid {
			t.Fatalf("es_id %d, want %d", s.ESID, esid)
		}
		if !label.MatchString(s.Label) {
			t.Fatalf("label %q", s.Label)
		}
		if s.R <= -1 || s.R >= 1 || math.Abs(s.R*1000-math.Round(s.R*1000)) > 1e-9 {
			t.Fatalf("r = %v", s.R)
		}
		if s.N < p.MinN || s.N > p.MaxN || s.Year < p.YearMin || s.Year > p.YearMax {
			t.Fatalf("n or year out of range: %+v", s)
		}
		if perStudy[s.Study] > 0 && (s.N != prev.N || s.Year != prev.Year || s.Treatment != prev.Treatment || s.Label != prev.Label) {
			t.Fatalf("study-level values differ within study %d", s.Study)
		}
		prev = *s
		ar[s.AllianceRater]++
		or[s.OutcomeRater]++
		if perStudy[s.Study] == 0 {
			tr[s.Treatment]++
			years[s.Year]++
		}
		perStudy[s.Study]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Effects != esid || len(perStudy) != p.Studies {
		t.Fatalf("summary %+v, saw %d effects of %d studies", sum, esid, len(perStudy))
	}
	multi := 0
	sizes := map[int]int{}
	for _, m := range perStudy {
		if m > 1 {
			multi++
			sizes[m]++
		}
	}
	k := float64(p.Studies)
	binom(t, "multi-effect studies", multi, p.Studies, p.MultiRate)
	chiUniform(t, "effects per multi-effect study", sizes, 2, p.MaxEffects)
	chiUniform(t, "year", years, p.YearMin, p.YearMax)
	for i, name := range Raters {
		binom(t, "alliance rater "+name, ar[name], esid, p.AllianceRaterProbs[i])
		binom(t, "outcome rater "+name, or[name], esid, p.OutcomeRaterProbs[i])
	}
	for i, name := range Treatments {
		binom(t, "treatment "+name, tr[name], int(k), p.TreatmentProbs[i])
	}
}

func binom(t *testing.T, name string, count, n int, p float64) {
	t.Helper()
	nf := float64(n)
	within(t, name, float64(count)/nf, p, 4.5*math.Sqrt(p*(1-p)/nf))
}

// firstEffects returns atanh(r), 1/(n−3), n and the true z of each study's
// first effect (independent across studies).
func firstEffects(t *testing.T, p StudyParams) (yi, vi, ni, zi []float64) {
	t.Helper()
	last := 0
	_, err := Studies(p, func(s *StudyRow) error {
		if s.Study == last {
			return nil
		}
		last = s.Study
		yi = append(yi, math.Atanh(s.R))
		vi = append(vi, 1/float64(s.N-3))
		ni = append(ni, float64(s.N))
		zi = append(zi, s.TrueZ)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return yi, vi, ni, zi
}

// dersimonianLaird returns the DerSimonian–Laird (1986) τ² and the
// random-effects pooled estimate with weights 1/(vᵢ+τ̂²) and its SE.
func dersimonianLaird(yi, vi []float64) (tau2, mu, se float64) {
	var sw, swy, sw2 float64
	for i := range yi {
		w := 1 / vi[i]
		sw += w
		swy += w * yi[i]
		sw2 += w * w
	}
	fe := swy / sw
	q := 0.0
	for i := range yi {
		q += (yi[i] - fe) * (yi[i] - fe) / vi[i]
	}
	tau2 = max(0, (q-float64(len(yi)-1))/(sw-sw2/sw))
	sw, swy = 0, 0
	for i := range yi {
		w := 1 / (vi[i] + tau2)
		sw += w
		swy += w * yi[i]
	}
	return tau2, swy / sw, math.Sqrt(1 / sw)
}

// TestStudiesMeanR recovers the planted mean r = .28 and heterogeneity
// τ² = TauStudy² + TauEffect² from k = 20,000 studies (first effect of
// each) by a DerSimonian–Laird random-effects model on Fisher z. Fisher's z
// of r is biased by about ρ/(2(n−1)) (Fisher 1921; Hotelling 1953); the
// pooled estimate is compared with atanh(.28) plus the weighted mean bias,
// within 4.5 SE. τ̂² must lie within 0.0015 (≈5 SE: Var τ̂² ≈ 2(v̄+τ²)²/k).
func TestStudiesMeanR(t *testing.T) {
	p := bigStudyParams()
	yi, vi, ni, _ := firstEffects(t, p)
	tau2, mu, se := dersimonianLaird(yi, vi)
	rho := p.MeanR
	var sw, sb float64
	for i := range ni {
		w := 1 / (vi[i] + tau2)
		sw += w
		sb += w * rho / (2 * (ni[i] - 1))
	}
	within(t, "pooled Fisher z", mu, math.Atanh(p.MeanR)+sb/sw, 4.5*se)
	within(t, "pooled r", math.Tanh(mu), p.MeanR, 4.5*se+sb/sw)
	within(t, "tau^2", tau2, p.TauStudy*p.TauStudy+p.TauEffect*p.TauEffect, 0.0015)

	// With no heterogeneity, τ̂² is near 0.
	p.TauStudy, p.TauEffect = 0, 0
	yi, vi, _, _ = firstEffects(t, p)
	tau0, _, _ := dersimonianLaird(yi, vi)
	within(t, "tau^2 when none planted", tau0, 0, 0.0015)
}

// TestStudiesSamplingDistribution checks that each observed r has the
// sampling distribution of r: (atanh r − z − ρ/(2(n−1)))·√(n−3) has mean 0
// and variance 1 (Fisher's approximation, good to about 1 % for n ≥ 20, hence
// the extra 0.01; 4.5 SE).
func TestStudiesSamplingDistribution(t *testing.T) {
	p := bigStudyParams()
	var n, s, ss float64
	_, err := Studies(p, func(r *StudyRow) error {
		rho := math.Tanh(r.TrueZ)
		d := (math.Atanh(r.R) - r.TrueZ - rho/(2*float64(r.N-1))) * math.Sqrt(float64(r.N-3))
		n++
		s += d
		ss += d * d
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	m := s / n
	v := ss/n - m*m
	within(t, "mean standardised z error", m, 0, 4.5/math.Sqrt(n))
	within(t, "variance standardised z error", v, 1, 4.5*math.Sqrt(2/n)+0.01)
}

// TestStudiesThreeLevel checks the effect-level heterogeneity: within
// multi-effect studies, the pooled within-study variance of atanh(r)
// (shared n) minus its sampling variance 1/(n−3) estimates TauEffect².
// Planted moderator effects are recovered as differences of mean z by
// category (4.5 SE).
func TestStudiesThreeLevel(t *testing.T) {
	p := bigStudyParams()
	p.MultiRate = 1
	p.AllianceRaterEffects = [3]float64{0, -0.1, 0.05}
	p.TreatmentEffects = [4]float64{0, 0.08, 0, 0}
	// Part 1: within-study variance among effects of the same rater combination.
	type grp struct{ n, s, ss float64 }
	var cur []float64
	var curN int
	var ssw, df, samp float64
	flush := func() {
		if len(cur) < 2 {
			return
		}
		m := 0.0
		for _, z := range cur {
			m += z
		}
		m /= float64(len(cur))
		for _, z := range cur {
			ssw += (z - m) * (z - m)
		}
		df += float64(len(cur) - 1)
		samp += float64(len(cur)-1) / float64(curN-3)
	}
	last := 0
	byRater := map[string]*grp{}
	byTreat := map[string]*grp{}
	_, err := Studies(p, func(s *StudyRow) error {
		z := math.Atanh(s.R)
		if s.Study != last {
			flush()
			cur, last, curN = cur[:0], s.Study, s.N
		}
		// Use patient/patient effects only for the variance (no moderator shifts).
		if s.AllianceRater == "patient" && s.OutcomeRater == "patient" {
			cur = append(cur, z)
		}
		for _, m := range []struct {
			g   map[string]*grp
			key string
		}{{byRater, s.AllianceRater}, {byTreat, s.Treatment}} {
			g := m.g[m.key]
			if g == nil {
				g = &grp{}
				m.g[m.key] = g
			}
			g.n++
			g.s += z
			g.ss += z * z
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	flush()
	te := (ssw - samp) / df
	want := p.TauEffect * p.TauEffect
	// SE of a variance estimate from df degrees of freedom: (σ²+v̄)·√(2/df).
	within(t, "effect-level tau^2", te, want, 4.5*(want+samp/df)*math.Sqrt(2/df))

	diff := func(name string, g map[string]*grp, a, b string, want float64) {
		ga, gb := g[a], g[b]
		ma, mb := ga.s/ga.n, gb.s/gb.n
		va := (ga.ss/ga.n - ma*ma) / ga.n
		vb := (gb.ss/gb.n - mb*mb) / gb.n
		within(t, name, ma-mb, want, 4.5*math.Sqrt(va+vb))
	}
	diff("therapist - patient alliance rater", byRater, "therapist", "patient", -0.1)
	diff("observer - patient alliance rater", byRater, "observer", "patient", 0.05)
	diff("psychodynamic - CBT", byTreat, "psychodynamic", "CBT", 0.08)
	diff("humanistic - CBT", byTreat, "humanistic", "CBT", 0)
}

// TestStudiesSampleSize compares the distribution of n with the truncated
// log-normal by a Kolmogorov–Smirnov distance (critical value 1.95/√k at
// α = .001).
func TestStudiesSampleSize(t *testing.T) {
	p := bigStudyParams()
	counts := make([]float64, p.MaxN+1)
	_, _, ni, _ := firstEffects(t, p)
	for _, n := range ni {
		counts[int(n)]++
	}
	lm := math.Log(p.MedianN)
	cdf := func(x float64) float64 { return 0.5 * math.Erfc(-(math.Log(x)-lm)/p.SDLogN/math.Sqrt2) }
	lo, hi := cdf(float64(p.MinN)-0.5), cdf(float64(p.MaxN)+0.5)
	k := float64(len(ni))
	emp, ks := 0.0, 0.0
	for x := p.MinN; x <= p.MaxN; x++ {
		emp += counts[x] / k
		theo := (cdf(float64(x)+0.5) - lo) / (hi - lo)
		ks = max(ks, math.Abs(emp-theo))
	}
	if crit := 1.95 / math.Sqrt(k); ks > crit {
		t.Errorf("KS distance of n from the truncated log-normal: %.4f > %.4f", ks, crit)
	}
}
