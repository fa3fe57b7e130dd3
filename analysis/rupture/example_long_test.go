package rupture_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/rupture"
)

// sessionRows is a small long table: six patients of three therapists,
// eight sessions each, with the alliance (1–7, higher = stronger) and a
// PHQ-9-like symptom score (lower = better) after every session. With a
// drop of 1.5 points from the previous session as the rule, P1 and P4 have
// a rupture that is repaired (at sessions 6 and 5), P2 and P5 one that is
// not, and P3 and P6 none. (Invented for these examples.)
func sessionRows() (patient, therapist []string, session []int, alliance, outcome []float64) {
	data := []struct {
		p, t string
		a, y []float64
	}{
		{"P1", "T1", []float64{5.5, 5.8, 6.0, 4.2, 5.1, 6.1, 6.2, 6.3}, []float64{18, 17, 16, 17, 15, 12, 10, 9}},
		{"P2", "T1", []float64{5.0, 5.2, 3.4, 3.6, 3.9, 4.0, 4.1, 4.2}, []float64{16, 15, 15, 16, 16, 15, 15, 14}},
		{"P3", "T2", []float64{4.8, 5.0, 5.1, 5.3, 5.2, 5.6, 5.8, 5.9}, []float64{14, 13, 12, 11, 10, 10, 9, 8}},
		{"P4", "T2", []float64{6.0, 6.1, 4.4, 5.0, 6.2, 6.3, 6.2, 6.4}, []float64{20, 19, 19, 17, 15, 13, 12, 12}},
		{"P5", "T3", []float64{5.5, 5.4, 5.6, 3.9, 4.0, 4.2, 4.1, 4.3}, []float64{15, 15, 14, 15, 15, 14, 15, 14}},
		{"P6", "T3", []float64{5.1, 5.3, 5.2, 5.4, 5.5, 5.3, 5.6, 5.7}, []float64{12, 12, 11, 10, 10, 9, 8, 8}},
	}
	for _, d := range data {
		for s := range d.a {
			patient = append(patient, d.p)
			therapist = append(therapist, d.t)
			session = append(session, s+1)
			alliance = append(alliance, d.a[s])
			outcome = append(outcome, d.y[s])
		}
	}
	return
}

// thresholdRule is DefaultOptions with a 1.5-point drop as the rupture rule.
func thresholdRule() rupture.Options {
	o := rupture.DefaultOptions()
	o.Method, o.Threshold = rupture.MethodThreshold, 1.5
	return o
}

// SeriesFromRows groups the long rows by patient; each patient's outcome is
// the first and last observed symptom score (P1: 18 → 9).
func ExampleSeriesFromRows() {
	series, outcomes := rupture.SeriesFromRows(sessionRows())
	fmt.Println(len(series), series[0].Patient, series[0].Therapist, series[0].Score[:3])
	fmt.Println(outcomes[0].Patient, outcomes[0].Pre, outcomes[0].Post)
	// Output:
	// 6 P1 T1 [5.5 5.8 6]
	// P1 18 9
}

// Analyze finds the episodes the comment of sessionRows describes (checked
// by hand against the rule: P1 drops 6.0 → 4.2 at session 4 and regains
// 4.2 + 1.8 = 6.0 at session 6).
func ExampleAnalyze() {
	series, _ := rupture.SeriesFromRows(sessionRows())
	res, err := rupture.Analyze(series, thresholdRule())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range res.Episodes {
		fmt.Printf("%s: session %d, drop %.1f, repaired %v\n", e.Patient, e.Session, float64(e.Drop), e.Repaired)
	}
	fmt.Printf("rupture rate %.4f, repair rate %.4f\n", float64(res.Summary.RuptureRate), float64(res.Summary.RepairRate))
	// Output:
	// P1: session 4, drop 1.8, repaired true
	// P2: session 3, drop 1.8, repaired false
	// P4: session 3, drop 1.7, repaired true
	// P5: session 4, drop 1.7, repaired false
	// rupture rate 0.6667, repair rate 0.5000
}

// Estimate adds the outcome contrasts to an analysis. With y = pre − post
// (improvement): repaired 9, 8; unrepaired 2, 1; none 6, 4. R:
// t.test(c(9, 8), c(2, 1), var.equal = TRUE) gives t(2) = 9.8995 (and
// 3.1305 against none, c(6, 4)); escalc("SMD", m1i = 8.5, sd1i = sd(c(9, 8)),
// n1i = 2, m2i = 1.5, sd2i = sd(c(2, 1)), n2i = 2) gives g = 5.5852 (1.7662
// against none).
func ExampleResult_Estimate() {
	series, outcomes := rupture.SeriesFromRows(sessionRows())
	res, err := rupture.Analyze(series, thresholdRule())
	if err != nil {
		fmt.Println(err)
		return
	}
	eff, err := res.Estimate(outcomes, rupture.DefaultEffectOptions())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range eff.Effects {
		fmt.Printf("%s: diff = %.4f, t(%d) = %.4f, g = %.4f\n", e.Contrast, float64(e.Diff), e.DF, float64(e.T), float64(e.G))
	}
	// Output:
	// repaired vs unrepaired: diff = 7.0000, t(2) = 9.8995, g = 5.5852
	// repaired vs none: diff = 3.5000, t(2) = 3.1305, g = 1.7662
	// unrepaired vs none: diff = -3.5000, t(2) = -3.1305, g = -1.7662
}

// DefaultEffectOptions: change scores, lower = better, 95% intervals.
func ExampleDefaultEffectOptions() {
	eo := rupture.DefaultEffectOptions()
	fmt.Println(eo.Measure, eo.Better, eo.Level)
	// Output:
	// change lower 0.95
}

// A study's repaired-vs-unrepaired contrast as a row for a meta-analysis of
// rupture repair (Eubanks et al. 2018): R: cor(c(1, 1, 0, 0), c(9, 8, 2, 1))
// = 0.9899, atanh = 2.6441, vi = 1/(4 − 3) = 1.
func ExampleEffect_StudyRow() {
	series, outcomes := rupture.SeriesFromRows(sessionRows())
	res, err := rupture.Analyze(series, thresholdRule())
	if err != nil {
		fmt.Println(err)
		return
	}
	eff, err := res.Estimate(outcomes, rupture.DefaultEffectOptions())
	if err != nil {
		fmt.Println(err)
		return
	}
	row := eff.Effects[0].StudyRow("Clinic A 2025")
	fmt.Printf("%s: r = %.4f, n = %d, yi = %.4f, vi = %.4f\n", row.Study, row.R, row.N, row.YI, row.VI)
	// Output:
	// Clinic A 2025: r = 0.9899, n = 4, yi = 2.6441, vi = 1.0000
}

// The session-level model: symptoms after repaired and unrepaired ruptures
// over and above the linear course. As lmerTest 3.1-3:
// lmer(outcome ~ session + after_repaired + after_unrepaired + (1 | patient))
// with the indicators coded as SessionModel documents (after_repaired from
// the repair session on: P1 6–8, P4 5–8; after_unrepaired after the rupture
// session: P2 4–8, P5 5–8) gives −3.21965 (SE 0.35903, df 39.2458) and
// 2.55661 (SE 0.35859).
func ExampleSessionModel() {
	patient, _, session, alliance, outcome := sessionRows()
	series, _ := rupture.SeriesFromRows(patient, nil, session, alliance, nil)
	res, err := rupture.Analyze(series, thresholdRule())
	if err != nil {
		fmt.Println(err)
		return
	}
	rows := make([]rupture.SessionRow, len(patient))
	for i := range rows {
		rows[i] = rupture.SessionRow{Patient: patient[i], Session: session[i], Outcome: outcome[i]}
	}
	m, err := rupture.SessionModel(res, rows, 0.95)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Formula)
	fmt.Println(m.SessionsAfterRepaired, m.SessionsAfterUnrepaired)
	r, u := m.AfterRepaired, m.AfterUnrepaired
	fmt.Printf("after repaired %.4f (SE %.4f, df %.2f), after unrepaired %.4f (SE %.4f)\n", r.Estimate, r.SE, r.DF, u.Estimate, u.SE)
	// Output:
	// outcome ~ session + after_repaired + after_unrepaired + (1 | patient)
	// 7 9
	// after repaired -3.2196 (SE 0.3590, df 39.25), after unrepaired 2.5566 (SE 0.3586)
}
