package simulate

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// bigSessionParams are the default parameters on a large sample: 20,000
// patients of 400 therapists (50 each).
func bigSessionParams() SessionParams {
	p := DefaultSessionParams()
	p.Seed = 99
	p.Patients = 20000
	p.Therapists = 400
	return p
}

func TestSessionParamsValidate(t *testing.T) {
	if err := DefaultSessionParams().Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	tests := []struct {
		field string
		mut   func(*SessionParams)
	}{
		{"Patients", func(p *SessionParams) { p.Patients = 0 }},
		{"Therapists", func(p *SessionParams) { p.Therapists = 0 }},
		{"Therapists", func(p *SessionParams) { p.Therapists = p.Patients + 1 }},
		{"MinSessions", func(p *SessionParams) { p.MinSessions = 1 }},
		{"MaxSessions", func(p *SessionParams) { p.MaxSessions = p.MinSessions - 1 }},
		{"MaxSessions", func(p *SessionParams) { p.MaxSessions = MaxSessionsLimit + 1 }},
		{"WithinSD", func(p *SessionParams) { p.WithinSD = -0.1 }},
		{"PatientSD", func(p *SessionParams) { p.PatientSD = math.NaN() }},
		{"OutcomeResidSD", func(p *SessionParams) { p.OutcomeResidSD = math.Inf(1) }},
		{"AllianceMean", func(p *SessionParams) { p.AllianceMean = 5.5 }},
		{"OutcomeMean", func(p *SessionParams) { p.OutcomeMean = -1 }},
		{"AllianceAR", func(p *SessionParams) { p.AllianceAR = 1 }},
		{"RepairedRate", func(p *SessionParams) { p.RepairedRate = -0.1 }},
		{"UnrepairedRate", func(p *SessionParams) { p.UnrepairedRate = 1.1 }},
		{"RepairedRate + UnrepairedRate", func(p *SessionParams) { p.RepairedRate, p.UnrepairedRate = 0.6, 0.5 }},
		{"MissingRate", func(p *SessionParams) { p.MissingRate = 1 }},
		{"RepairMin", func(p *SessionParams) { p.RepairMin = 0 }},
		{"RepairMin", func(p *SessionParams) { p.RepairMin, p.RepairMax = 3, 2 }},
		{"RuptureDropSD", func(p *SessionParams) { p.RuptureDropSD = 0 }},
		{"RepairGainSD", func(p *SessionParams) { p.RepairGainSD = -p.RuptureDropSD }},
		{"RepairGainSD", func(p *SessionParams) { p.RepairGainSD = math.NaN() }},
		{"MinSessions", func(p *SessionParams) { p.MinSessions = 5 }},
		{"MinSessions", func(p *SessionParams) { p.RepairMax, p.MinSessions = 5, 7 }},
	}
	for _, tc := range tests {
		p := DefaultSessionParams()
		tc.mut(&p)
		err := p.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: got error %v, want one naming %s", tc.field, err, tc.field)
			continue
		}
		var buf bytes.Buffer
		if _, err := WriteSessionsCSV(&buf, p, nil); err == nil || buf.Len() != 0 {
			t.Errorf("%s: WriteSessionsCSV wrote %d bytes, err %v; want nothing and an error", tc.field, buf.Len(), err)
		}
	}
	var zero SessionParams
	if err := zero.Validate(); err == nil || !strings.Contains(err.Error(), "DefaultSessionParams") {
		t.Errorf("zero value: got %v, want an error pointing to DefaultSessionParams", err)
	}
	// Without ruptures, short series are legal.
	p := DefaultSessionParams()
	p.RepairedRate, p.UnrepairedRate, p.MinSessions, p.MaxSessions = 0, 0, 2, 3
	if err := p.Validate(); err != nil {
		t.Errorf("2–3 sessions without ruptures: %v", err)
	}
	if _, err := Sessions(p, nil); err != nil {
		t.Errorf("2–3 sessions without ruptures: %v", err)
	}
}

func TestDescribeCoversEveryField(t *testing.T) {
	for _, c := range []struct {
		v    any
		desc []ParamInfo
	}{
		{DefaultSessionParams(), DefaultSessionParams().Describe()},
		{DefaultStudyParams(), DefaultStudyParams().Describe()},
	} {
		typ := reflect.TypeOf(c.v)
		if typ.NumField() != len(c.desc) {
			t.Errorf("%s: %d fields, Describe lists %d", typ, typ.NumField(), len(c.desc))
			continue
		}
		for i, d := range c.desc {
			if f := typ.Field(i); f.Name != d.Name || d.Meaning == "" || d.Flag == "" {
				t.Errorf("%s field %d: %s, Describe gives %+v", typ, i, f.Name, d)
			}
		}
	}
}

func sessionsCSV(t *testing.T, p SessionParams) (string, string) {
	t.Helper()
	var data, truth bytes.Buffer
	if _, err := WriteSessionsCSV(&data, p, &truth); err != nil {
		t.Fatal(err)
	}
	return data.String(), truth.String()
}

func TestSessionsDeterministic(t *testing.T) {
	p := DefaultSessionParams()
	d1, t1 := sessionsCSV(t, p)
	d2, t2 := sessionsCSV(t, p)
	if d1 != d2 || t1 != t2 {
		t.Fatal("same seed gave different output")
	}
	p.Seed++
	d3, _ := sessionsCSV(t, p)
	if d1 == d3 {
		t.Fatal("different seeds gave identical output")
	}
	// The in-memory rows equal the CSV.
	var b strings.Builder
	b.WriteString(SessionsHeader + "\n")
	buf := []byte{}
	if _, err := Sessions(DefaultSessionParams(), func(pt *Patient) error {
		for _, r := range pt.Rows {
			buf = appendRow(buf[:0], r)
			b.Write(buf)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if b.String() != d1 {
		t.Error("Sessions rows differ from WriteSessionsCSV")
	}
}

// TestSessionsCallbackError checks that an error of fn stops the run and is
// returned, and that a failing writer is reported.
func TestSessionsCallbackError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	_, err := Sessions(DefaultSessionParams(), func(*Patient) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 3 {
		t.Errorf("got %v after %d patients, want stop after 3", err, n)
	}
	if _, err := WriteSessionsCSV(failWriter{}, DefaultSessionParams(), nil); err == nil {
		t.Error("failing writer: no error")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestSessionsStructure checks ranges and structure on a large sample:
// alliance a multiple of 1/12 rounded to 2 decimals in [1, 5], outcome an
// integer in [0, 27], sessions increasing within [1, T], session 1 and the
// rupture episode observed, T uniform on [MinSessions, MaxSessions], the
// rupture session in its documented range and repair lengths uniform.
func TestSessionsStructure(t *testing.T) {
	p := bigSessionParams()
	tcount := make(map[int]int)
	rcount := make(map[int]int)
	_, err := Sessions(p, func(pt *Patient) error {
		tcount[pt.Sessions]++
		if pt.Observed != len(pt.Rows) {
			t.Fatalf("patient %d: Observed %d, %d rows", pt.Patient, pt.Observed, len(pt.Rows))
		}
		if want := (pt.Patient-1)/(p.Patients/p.Therapists) + 1; pt.Therapist != want {
			t.Fatalf("patient %d: therapist %d, want %d", pt.Patient, pt.Therapist, want)
		}
		seen := make(map[int]bool, len(pt.Rows))
		prev := 0
		for _, r := range pt.Rows {
			if r.Session <= prev || r.Session > pt.Sessions {
				t.Fatalf("patient %d: session %d after %d (T=%d)", pt.Patient, r.Session, prev, pt.Sessions)
			}
			prev = r.Session
			seen[r.Session] = true
			if r.Alliance < 1 || r.Alliance > 5 || r.Outcome < 0 || r.Outcome > 27 {
				t.Fatalf("out of range: %+v", r)
			}
			k := math.Round(r.Alliance * 12)
			if math.Abs(r.Alliance-math.Round(k/12*100)/100) > 1e-12 {
				t.Fatalf("alliance %v is not a twelfth rounded to 2 decimals", r.Alliance)
			}
		}
		mustSee := []int{1}
		s := pt.RuptureSession
		switch pt.Class {
		case Repaired:
			rcount[pt.RepairSessions]++
			if s < 3 || s+pt.RepairSessions > pt.Sessions {
				t.Fatalf("patient %d: repaired rupture at %d+%d of %d", pt.Patient, s, pt.RepairSessions, pt.Sessions)
			}
			for x := s - 1; x <= s+pt.RepairSessions; x++ {
				mustSee = append(mustSee, x)
			}
		case Unrepaired:
			if s < 3 || s > pt.Sessions-3 || pt.RepairSessions != 0 {
				t.Fatalf("patient %d: unrepaired rupture at %d of %d", pt.Patient, s, pt.Sessions)
			}
			mustSee = append(mustSee, s-1, s, s+1)
		default:
			if s != 0 || pt.RepairSessions != 0 {
				t.Fatalf("patient %d: no rupture but session %d", pt.Patient, s)
			}
		}
		for _, x := range mustSee {
			if !seen[x] {
				t.Fatalf("patient %d (%v, rupture %d): protected session %d missing", pt.Patient, pt.Class, s, x)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	chiUniform(t, "planned sessions", tcount, p.MinSessions, p.MaxSessions)
	chiUniform(t, "repair length", rcount, p.RepairMin, p.RepairMax)
}

// chiUniform checks counts over lo…hi against a uniform distribution by a
// chi-square test at the 99.99 % level (Wilson–Hilferty quantile).
func chiUniform(t *testing.T, name string, counts map[int]int, lo, hi int) {
	t.Helper()
	n := 0
	for k, c := range counts {
		if k < lo || k > hi {
			t.Errorf("%s: value %d outside %d…%d", name, k, lo, hi)
		}
		n += c
	}
	cells := hi - lo + 1
	e := float64(n) / float64(cells)
	chi2 := 0.0
	for k := lo; k <= hi; k++ {
		d := float64(counts[k]) - e
		chi2 += d * d / e
	}
	df := float64(cells - 1)
	// Wilson–Hilferty: χ²_q ≈ df·(1 − 2/(9df) + z_q·√(2/(9df)))³, z = 3.719 for q = .9999.
	crit := df * math.Pow(1-2/(9*df)+3.719*math.Sqrt(2/(9*df)), 3)
	if chi2 > crit {
		t.Errorf("%s: chi-square %.1f > %.1f (df %v): %v", name, chi2, crit, df, counts)
	}
}

// within reports whether |got − want| ≤ tol, logging the comparison.
func within(t *testing.T, name string, got, want, tol float64) {
	t.Helper()
	t.Logf("%s: got %.5f, want %.5f ± %.5f", name, got, want, tol)
	if math.IsNaN(got) || math.Abs(got-want) > tol {
		t.Errorf("%s: got %.5f, want %.5f ± %.5f", name, got, want, tol)
	}
}

// TestRuptureRates checks the planted class proportions (binomial, 4.5 SE)
// and the missing rate: eligible sessions (all but session 1 and the
// protected episode sessions) are missing with probability MissingRate.
func TestRuptureRates(t *testing.T) {
	p := bigSessionParams()
	eligible := 0
	sum, err := Sessions(p, func(pt *Patient) error {
		prot := 1
		switch pt.Class {
		case Repaired:
			prot += pt.RepairSessions + 2 // s−1 … s+R
		case Unrepaired:
			prot += 3 // s−1, s, s+1
		}
		eligible += pt.Sessions - prot
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	n := float64(sum.Patients)
	for _, c := range []struct {
		name  string
		count int
		rate  float64
	}{{"repaired", sum.Repaired, p.RepairedRate}, {"unrepaired", sum.Unrepaired, p.UnrepairedRate}} {
		se := math.Sqrt(c.rate * (1 - c.rate) / n)
		within(t, c.name+" proportion", float64(c.count)/n, c.rate, 4.5*se)
	}
	m := float64(eligible)
	within(t, "missing proportion of eligible sessions", float64(sum.Missing)/m, p.MissingRate,
		4.5*math.Sqrt(p.MissingRate*(1-p.MissingRate)/m))
}

// TestRuptureShape checks the planted drop D = RuptureDropSD·WithinSD and
// repair gain G = RepairGainSD·WithinSD in the recorded scores. With growth
// g per session and zero-mean fluctuations:
//
//	E[a(s−1) − a(s)]   = D − g        (drop, both classes)
//	E[a(s+R) − a(s)]   = D + G + g·R  (repaired: G above the usual level)
//	E[a(s+1) − a(s)]   = g            (unrepaired: the drop persists)
//
// Tolerance: 4.5 SE of the mean difference plus 0.01 for the rounding to
// twelfths and clipping at 1 and 5, which the expectations ignore.
func TestRuptureShape(t *testing.T) {
	p := bigSessionParams()
	D, G, g := p.RuptureDrop(), p.RepairGain(), p.AllianceGrowth
	type acc struct{ n, s, ss float64 }
	add := func(a *acc, x float64) { a.n++; a.s += x; a.ss += x * x }
	var drop, repair, persist acc
	_, err := Sessions(p, func(pt *Patient) error {
		if pt.Class == NoRupture {
			return nil
		}
		a := map[int]float64{}
		for _, r := range pt.Rows {
			a[r.Session] = r.Alliance
		}
		s := pt.RuptureSession
		add(&drop, a[s-1]-a[s])
		if pt.Class == Repaired {
			add(&repair, a[s+pt.RepairSessions]-a[s])
		} else {
			add(&persist, a[s+1]-a[s])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	meanRepairLen := float64(p.RepairMin+p.RepairMax) / 2
	for _, c := range []struct {
		name string
		a    acc
		want float64
	}{
		{"drop a(s-1)-a(s)", drop, D - g},
		{"repair a(s+R)-a(s)", repair, D + G + g*meanRepairLen},
		{"persistence a(s+1)-a(s)", persist, g},
	} {
		m := c.a.s / c.a.n
		se := math.Sqrt((c.a.ss/c.a.n - m*m) / c.a.n)
		within(t, c.name, m, c.want, 4.5*se+0.01)
	}
}

// TestTherapistVariance recovers TherapistSD² from the observed data by a
// one-way random-effects ANOVA of patient-mean alliance on therapist
// (balanced, 50 patients per therapist): σ̂²_T = (MSB − MSW)/n. Tolerance
// 4.5 SE with Var(σ̂²_T) ≈ 2(σ²_T + σ²_W/n)²/(J−1) (Searle et al. 1992).
func TestTherapistVariance(t *testing.T) {
	p := bigSessionParams()
	sigT, se := therapistANOVA(t, p)
	want := p.TherapistSD * p.TherapistSD
	within(t, "therapist variance of alliance", sigT, want, 4.5*se)
	if sigT <= 4.5*se {
		t.Errorf("therapist variance %.4f not clearly > 0 (SE %.4f)", sigT, se)
	}
	p.TherapistSD = 0
	sig0, se0 := therapistANOVA(t, p)
	within(t, "therapist variance when none planted", sig0, 0, 4.5*se0)
}

// therapistANOVA returns σ̂²_T and its approximate SE for balanced p.
func therapistANOVA(t *testing.T, p SessionParams) (sigT, se float64) {
	t.Helper()
	J, n := p.Therapists, p.Patients/p.Therapists
	tsum := make([]float64, J)
	tss := make([]float64, J)
	_, err := Sessions(p, func(pt *Patient) error {
		m := 0.0
		for _, r := range pt.Rows {
			m += r.Alliance
		}
		m /= float64(len(pt.Rows))
		tsum[pt.Therapist-1] += m
		tss[pt.Therapist-1] += m * m
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	grand := 0.0
	for _, s := range tsum {
		grand += s
	}
	grand /= float64(J * n)
	var ssb, ssw float64
	for j := range tsum {
		mj := tsum[j] / float64(n)
		ssb += float64(n) * (mj - grand) * (mj - grand)
		ssw += tss[j] - float64(n)*mj*mj
	}
	msb := ssb / float64(J-1)
	msw := ssw / float64(J*(n-1))
	sigT = (msb - msw) / float64(n)
	return sigT, math.Sqrt(2/float64(J-1)) * (p.TherapistSD*p.TherapistSD + msw/float64(n))
}

// laggedWithin fits, by OLS with patient fixed effects (everything demeaned
// within patient over the consecutive pairs (t, t+1) both observed),
//
//	outcome(t+1) = b·(alliance(t) − patient mean alliance) + c·t + patient effect,
//
// and returns b and its OLS standard error.
func laggedWithin(t *testing.T, p SessionParams) (b, se float64) {
	t.Helper()
	// Accumulate within-patient cross-products of (x, t, y) in one pass.
	var sxx, sxt, stt, sxy, sty, syy, nobs, npat float64
	var xs, ts, ys []float64
	_, err := Sessions(p, func(pt *Patient) error {
		mean := 0.0
		for _, r := range pt.Rows {
			mean += r.Alliance
		}
		mean /= float64(len(pt.Rows))
		xs, ts, ys = xs[:0], ts[:0], ys[:0]
		for k := 0; k+1 < len(pt.Rows); k++ {
			r, next := pt.Rows[k], pt.Rows[k+1]
			if next.Session != r.Session+1 {
				continue
			}
			xs = append(xs, r.Alliance-mean)
			ts = append(ts, float64(r.Session))
			ys = append(ys, float64(next.Outcome))
		}
		if len(xs) < 2 {
			return nil
		}
		var mx, mt, my float64
		for k := range xs {
			mx += xs[k]
			mt += ts[k]
			my += ys[k]
		}
		m := float64(len(xs))
		mx, mt, my = mx/m, mt/m, my/m
		for k := range xs {
			x, tt, y := xs[k]-mx, ts[k]-mt, ys[k]-my
			sxx += x * x
			sxt += x * tt
			stt += tt * tt
			sxy += x * y
			sty += tt * y
			syy += y * y
		}
		nobs += m
		npat++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	det := sxx*stt - sxt*sxt
	b = (stt*sxy - sxt*sty) / det
	c := (sxx*sty - sxt*sxy) / det
	rss := syy - b*sxy - c*sty
	s2 := rss / (nobs - npat - 2)
	return b, math.Sqrt(s2 * stt / det)
}

// TestWithinEffectRecovered checks that the lag-1 within-patient regression
// recovers the planted WithinEffect (−2) to within 4.5 SE plus 5 % — the
// recorded scores are rounded and clipped (outcome at 0), which attenuates
// the slope slightly, and a repair raises the alliance by RepairGain from
// the session at which RepairEffect lowers symptoms, which steepens it
// slightly (about −0.13 with the defaults) — and that with no within-patient link between alliance and
// symptoms (WithinEffect = 0 and RepairEffect = 0) it finds none (4.5 SE
// plus 0.05 for rounding and clipping).
func TestWithinEffectRecovered(t *testing.T) {
	p := bigSessionParams()
	b, se := laggedWithin(t, p)
	within(t, "within effect", b, p.WithinEffect, 4.5*se+0.05*math.Abs(p.WithinEffect))
	if b >= 0 {
		t.Errorf("within effect %v has the wrong sign", b)
	}
	p.WithinEffect, p.RepairEffect = 0, 0
	b0, se0 := laggedWithin(t, p)
	within(t, "within effect when none planted", b0, 0, 4.5*se0+0.05)
}

// TestSymptomTrajectory checks that symptoms improve over treatment: the
// within-patient OLS slope of outcome on session is near OutcomeSlope
// (−0.35). Tolerance 4.5 SE plus 0.05: clipping at 0 flattens late
// sessions and ruptures shift symptoms after the drop (unrepaired up through
// the lag effect, repaired down by RepairEffect).
func TestSymptomTrajectory(t *testing.T) {
	p := bigSessionParams()
	var stt, sty, syy, nobs, npat float64
	_, err := Sessions(p, func(pt *Patient) error {
		var mt, my float64
		for _, r := range pt.Rows {
			mt += float64(r.Session)
			my += float64(r.Outcome)
		}
		m := float64(len(pt.Rows))
		mt, my = mt/m, my/m
		for _, r := range pt.Rows {
			tt, y := float64(r.Session)-mt, float64(r.Outcome)-my
			stt += tt * tt
			sty += tt * y
			syy += y * y
		}
		nobs += m
		npat++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	b := sty / stt
	// OLS SE ignoring the random slopes understates the SE; use the
	// between-patient slope SD instead: SE ≈ OutcomeSlopeSD/√patients.
	se := math.Sqrt((syy-b*sty)/(nobs-npat-1)/stt) + p.OutcomeSlopeSD/math.Sqrt(npat)
	within(t, "symptom slope per session", b, p.OutcomeSlope, 4.5*se+0.05)
}

// TestAppendHundredths checks the fast formatter against strconv for every
// recorded alliance value (twelfths in [1, 5] rounded to hundredths) and
// every hundredth in [0, 10].
func TestAppendHundredths(t *testing.T) {
	var vals []float64
	for k := 12; k <= 60; k++ {
		vals = append(vals, recordAlliance(float64(k)/12))
	}
	for k := 0; k <= 1000; k++ {
		vals = append(vals, math.Round(float64(k))/100)
	}
	for _, v := range vals {
		got := string(appendHundredths(nil, v))
		want := strconv.FormatFloat(v, 'f', 2, 64)
		if got != want {
			t.Errorf("appendHundredths(%v) = %q, want %q", v, got, want)
		}
	}
}

// TestTruthCSV checks the truth output: one line per patient, classes and
// missing counts agreeing with the summary and the rows.
func TestTruthCSV(t *testing.T) {
	p := DefaultSessionParams()
	var data, truth bytes.Buffer
	sum, err := WriteSessionsCSV(&data, p, &truth)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(truth.String(), "\n"), "\n")
	if lines[0] != TruthHeader || len(lines) != p.Patients+1 {
		t.Fatalf("truth: header %q, %d lines", lines[0], len(lines))
	}
	classes := map[string]int{}
	planned, observed := 0, 0
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		if len(f) != 9 {
			t.Fatalf("truth line %q", l)
		}
		classes[f[4]]++
		s, _ := strconv.Atoi(f[2])
		o, _ := strconv.Atoi(f[3])
		planned += s
		observed += o
	}
	rows := strings.Count(data.String(), "\n") - 1
	if classes["repaired"] != sum.Repaired || classes["unrepaired"] != sum.Unrepaired ||
		classes["none"] != p.Patients-sum.Repaired-sum.Unrepaired ||
		observed != rows || rows != sum.Rows || planned-observed != sum.Missing {
		t.Errorf("truth %v planned %d observed %d; data rows %d; summary %+v", classes, planned, observed, rows, sum)
	}
}
