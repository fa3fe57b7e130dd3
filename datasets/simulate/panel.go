package simulate

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
)

// domainPanel separates the panel simulator's streams from the others.
const domainPanel = 0x9a9e_1c1a_5500_0001

// PanelParams are the parameters of the panel simulator, the data-generating
// model of the random-intercept cross-lagged panel model (RI-CLPM; Hamaker,
// Kuiper & Grasman 2015). For patient i at wave (session) t = 1…Waves,
//
//	alliance_it = AllianceMean + a_i + p_it
//	outcome_it  = OutcomeMean  + b_i + q_it
//
// with stable person components (a_i, b_i) bivariate normal with SDs
// AllianceRISD, OutcomeRISD and correlation RICorr, and within-person
// deviations following a bivariate VAR(1),
//
//	p_it = AllianceAR·p_i,t−1        + OutcomeToAlliance·q_i,t−1 + u_it
//	q_it = AllianceToOutcome·p_i,t−1 + OutcomeAR·q_i,t−1         + v_it
//
// with innovations (u, v) normal with SDs AllianceInnovSD, OutcomeInnovSD and
// correlation InnovCorr. The first wave is drawn from the stationary
// distribution Σ of the process (Σ = ΦΣΦᵀ + Ψ), so the within-person
// variances are equal over waves and the process is the stationary RI-CLPM.
// AllianceToOutcome is the planted within-person cross-lagged effect that
// `alliance panel` estimates; the lagged multilevel model of `alliance
// sessions` is biased for it (Nickell 1981; Falkenström et al. 2017).
//
// Alliance is in points of a 1–5 scale and outcome in symptom points (higher
// = worse) as in [SessionParams], but values are not bounded or rounded to
// item scores (rounding would add measurement error the model does not
// have); the CSV holds 2 decimals.
type PanelParams struct {
	Seed     int64 `json:"seed"`
	Patients int   `json:"patients"`
	// Waves is the number of sessions per patient (3 ≤ Waves ≤ MaxSessionsLimit).
	Waves int `json:"waves"`

	AllianceMean float64 `json:"alliance_mean"`
	OutcomeMean  float64 `json:"outcome_mean"`
	AllianceRISD float64 `json:"alliance_ri_sd"`
	OutcomeRISD  float64 `json:"outcome_ri_sd"`
	RICorr       float64 `json:"ri_corr"`

	AllianceAR        float64 `json:"alliance_ar"`
	OutcomeAR         float64 `json:"outcome_ar"`
	AllianceToOutcome float64 `json:"alliance_to_outcome"`
	OutcomeToAlliance float64 `json:"outcome_to_alliance"`

	AllianceInnovSD float64 `json:"alliance_innov_sd"`
	OutcomeInnovSD  float64 `json:"outcome_innov_sd"`
	InnovCorr       float64 `json:"innov_corr"`

	// MissingRate is the probability that a session is missing (its row
	// omitted), independently of everything else (missing completely at
	// random), 0 ≤ MissingRate < 1.
	MissingRate float64 `json:"missing_rate"`
}

// DefaultPanelParams returns 500 patients × 8 sessions with a within-person
// effect of −1 symptom point per alliance point above the patient's own
// usual level at the previous session, a reverse effect of −0.02, carry-over
// (autoregression) of .3 in alliance and .4 in symptoms, stable components
// with SDs 0.4 and 4 correlated −.4, and 5 % missing sessions.
func DefaultPanelParams() PanelParams {
	return PanelParams{
		Seed: 2017, Patients: 500, Waves: 8,
		AllianceMean: 3.6, OutcomeMean: 15,
		AllianceRISD: 0.4, OutcomeRISD: 4, RICorr: -0.4,
		AllianceAR: 0.3, OutcomeAR: 0.4,
		AllianceToOutcome: -1, OutcomeToAlliance: -0.02,
		AllianceInnovSD: 0.3, OutcomeInnovSD: 2.5, InnovCorr: -0.2,
		MissingRate: 0.05,
	}
}

// phi returns the VAR(1) matrix Φ, rows (alliance, outcome).
func (p PanelParams) phi() [2][2]float64 {
	return [2][2]float64{{p.AllianceAR, p.OutcomeToAlliance}, {p.AllianceToOutcome, p.OutcomeAR}}
}

// SpectralRadius returns the largest modulus of the eigenvalues of Φ; the
// within-person process is stationary when it is below 1.
func (p PanelParams) SpectralRadius() float64 {
	f := p.phi()
	tr, det := f[0][0]+f[1][1], f[0][0]*f[1][1]-f[0][1]*f[1][0]
	disc := tr*tr/4 - det
	if disc >= 0 {
		s := math.Sqrt(disc)
		return math.Max(math.Abs(tr/2+s), math.Abs(tr/2-s))
	}
	return math.Sqrt(det) // complex pair: |λ|² = det
}

// Validate reports the first invalid parameter, naming the field, the value
// and the valid range. It returns nil for valid parameters.
func (p PanelParams) Validate() error {
	if err := p.Check(func(field string) string { return field }); err != nil {
		return fmt.Errorf("%w (start from DefaultPanelParams())", err)
	}
	return nil
}

// Check is Validate with each parameter named by name(field), for a front
// end that names them in its own words (a command line's flags): its
// users never see Go field names.
func (p PanelParams) Check(n func(field string) string) error {
	switch {
	case p.Patients < 1 || p.Patients > MaxPatients:
		return fmt.Errorf("simulate: %s = %d: need 1 to %d patients", n("Patients"), p.Patients, MaxPatients)
	case p.Waves < 3 || p.Waves > MaxSessionsLimit:
		return fmt.Errorf("simulate: %s = %d: need 3 to %d sessions per patient", n("Waves"), p.Waves, MaxSessionsLimit)
	}
	vals := []struct {
		name string
		v    float64
	}{
		{"AllianceMean", p.AllianceMean}, {"OutcomeMean", p.OutcomeMean},
		{"AllianceRISD", p.AllianceRISD}, {"OutcomeRISD", p.OutcomeRISD}, {"RICorr", p.RICorr},
		{"AllianceAR", p.AllianceAR}, {"OutcomeAR", p.OutcomeAR},
		{"AllianceToOutcome", p.AllianceToOutcome}, {"OutcomeToAlliance", p.OutcomeToAlliance},
		{"AllianceInnovSD", p.AllianceInnovSD}, {"OutcomeInnovSD", p.OutcomeInnovSD},
		{"InnovCorr", p.InnovCorr}, {"MissingRate", p.MissingRate},
	}
	for _, f := range vals {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return fmt.Errorf("simulate: %s = %v: must be a finite number", n(f.name), f.v)
		}
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"AllianceRISD", p.AllianceRISD}, {"OutcomeRISD", p.OutcomeRISD}, {"AllianceInnovSD", p.AllianceInnovSD}, {"OutcomeInnovSD", p.OutcomeInnovSD}} {
		if f.v < 0 {
			return fmt.Errorf("simulate: %s = %v: a standard deviation cannot be negative", n(f.name), f.v)
		}
	}
	switch {
	case p.RICorr < -1 || p.RICorr > 1:
		return fmt.Errorf("simulate: %s = %v: a correlation must lie in [-1, 1]", n("RICorr"), p.RICorr)
	case p.InnovCorr < -1 || p.InnovCorr > 1:
		return fmt.Errorf("simulate: %s = %v: a correlation must lie in [-1, 1]", n("InnovCorr"), p.InnovCorr)
	case p.MissingRate < 0 || p.MissingRate >= 1:
		return fmt.Errorf("simulate: %s = %v: must lie in [0, 1)", n("MissingRate"), p.MissingRate)
	}
	if r := p.SpectralRadius(); r >= 1 {
		return fmt.Errorf("simulate: the lagged effects give a within-person process that is not stationary (largest eigenvalue modulus %.4g ≥ 1): make the autoregressive or cross-lagged effects smaller", r)
	}
	return nil
}

// StationaryCov returns the within-person covariance matrix Σ (alliance,
// outcome) of the stationary process, the solution of Σ = ΦΣΦᵀ + Ψ, by the
// doubling iteration Σ ← Σ + AΣAᵀ, A ← A² from Σ = Ψ, A = Φ (exact to
// rounding after about log₂ of the mixing time steps).
func (p PanelParams) StationaryCov() [2][2]float64 {
	c := p.InnovCorr * p.AllianceInnovSD * p.OutcomeInnovSD
	s := [2][2]float64{{p.AllianceInnovSD * p.AllianceInnovSD, c}, {c, p.OutcomeInnovSD * p.OutcomeInnovSD}}
	a := p.phi()
	for it := 0; it < 64; it++ {
		add := mul2(mul2(a, s), tr2(a))
		s = [2][2]float64{{s[0][0] + add[0][0], s[0][1] + add[0][1]}, {s[1][0] + add[1][0], s[1][1] + add[1][1]}}
		a = mul2(a, a)
		if math.Abs(a[0][0])+math.Abs(a[0][1])+math.Abs(a[1][0])+math.Abs(a[1][1]) < 1e-17 {
			break
		}
	}
	return s
}

func mul2(a, b [2][2]float64) [2][2]float64 {
	return [2][2]float64{
		{a[0][0]*b[0][0] + a[0][1]*b[1][0], a[0][0]*b[0][1] + a[0][1]*b[1][1]},
		{a[1][0]*b[0][0] + a[1][1]*b[1][0], a[1][0]*b[0][1] + a[1][1]*b[1][1]},
	}
}

func tr2(a [2][2]float64) [2][2]float64 { return [2][2]float64{{a[0][0], a[1][0]}, {a[0][1], a[1][1]}} }

// chol2 returns the lower Cholesky factor of a 2 × 2 covariance matrix
// (a zero variance gives a zero column).
func chol2(s [2][2]float64) (l00, l10, l11 float64) {
	l00 = math.Sqrt(s[0][0])
	if l00 > 0 {
		l10 = s[1][0] / l00
	}
	l11 = math.Sqrt(math.Max(s[1][1]-l10*l10, 0))
	return
}

// PanelRow is one observed session of the panel simulator.
type PanelRow struct {
	Patient, Session  int
	Alliance, Outcome float64
}

// PanelSummary summarises a panel simulation.
type PanelSummary struct {
	Patients int `json:"patients"`
	Rows     int `json:"rows"`
	Missing  int `json:"missing"`
}

// Panel simulates the patients of p in order and calls fn with each
// patient's observed rows (reused: valid only during the call). Each patient
// has its own random stream, so the output does not depend on the order of
// reading. The draws of a patient are a_i, b_i, then per wave the two
// innovations (wave 1: the stationary draw) and the missingness uniform.
func Panel(p PanelParams, fn func([]PanelRow) error) (PanelSummary, error) {
	if err := p.Validate(); err != nil {
		return PanelSummary{}, err
	}
	var r rng
	f := p.phi()
	s00, s10, s11 := chol2(p.StationaryCov())
	c := p.InnovCorr * p.AllianceInnovSD * p.OutcomeInnovSD
	i00, i10, i11 := chol2([2][2]float64{{p.AllianceInnovSD * p.AllianceInnovSD, c}, {c, p.OutcomeInnovSD * p.OutcomeInnovSD}})
	r00, r10, r11 := chol2([2][2]float64{
		{p.AllianceRISD * p.AllianceRISD, p.RICorr * p.AllianceRISD * p.OutcomeRISD},
		{p.RICorr * p.AllianceRISD * p.OutcomeRISD, p.OutcomeRISD * p.OutcomeRISD}})
	rows := make([]PanelRow, 0, p.Waves)
	sum := PanelSummary{Patients: p.Patients}
	for i := 1; i <= p.Patients; i++ {
		r.seed(p.Seed, domainPanel, uint64(i))
		z1, z2 := r.normal(), r.normal()
		a, b := r00*z1, r10*z1+r11*z2
		var w0, w1 float64
		rows = rows[:0]
		for t := 1; t <= p.Waves; t++ {
			e1, e2, miss := r.normal(), r.normal(), r.uniform()
			if t == 1 {
				w0, w1 = s00*e1, s10*e1+s11*e2
			} else {
				w0, w1 = f[0][0]*w0+f[0][1]*w1+i00*e1, f[1][0]*w0+f[1][1]*w1+i10*e1+i11*e2
			}
			if miss < p.MissingRate {
				sum.Missing++
				continue
			}
			rows = append(rows, PanelRow{Patient: i, Session: t,
				Alliance: p.AllianceMean + a + w0, Outcome: p.OutcomeMean + b + w1})
		}
		sum.Rows += len(rows)
		if fn != nil {
			if err := fn(rows); err != nil {
				return sum, fmt.Errorf("simulate: patient %d: %w", i, err)
			}
		}
	}
	return sum, nil
}

// PanelHeader is the header line of the panel CSV: the columns `alliance
// panel` and `alliance sessions` read by default.
const PanelHeader = "patient,session,alliance,outcome"

// WritePanelCSV simulates p and writes the observed sessions as long CSV
// (header [PanelHeader], values with 2 decimals) to w, patient by patient in
// bounded memory. Nothing is written when p is invalid.
func WritePanelCSV(w io.Writer, p PanelParams) (PanelSummary, error) {
	if err := p.Validate(); err != nil {
		return PanelSummary{}, err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(PanelHeader + "\n")
	buf := make([]byte, 0, 64)
	sum, err := Panel(p, func(rows []PanelRow) error {
		for _, row := range rows {
			buf = strconv.AppendInt(buf[:0], int64(row.Patient), 10)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, int64(row.Session), 10)
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, row.Alliance, 'f', 2, 64)
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, row.Outcome, 'f', 2, 64)
			buf = append(buf, '\n')
			if _, err := bw.Write(buf); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return sum, err
	}
	if err := bw.Flush(); err != nil {
		return sum, fmt.Errorf("simulate: writing panel CSV: %w", err)
	}
	return sum, nil
}

// Describe lists every field of p with its value, unit and meaning, in
// declaration order.
func (p PanelParams) Describe() []ParamInfo {
	i := strconv.Itoa
	const ap, sp = "alliance points", "symptom points"
	return []ParamInfo{
		{"Seed", "seed", strconv.FormatInt(p.Seed, 10), "", "random seed"},
		{"Patients", "patients", i(p.Patients), "patients", "number of patients"},
		{"Waves", "waves", i(p.Waves), "sessions", "sessions per patient (waves of the panel)"},
		{"AllianceMean", "alliance-mean", ftoa(p.AllianceMean), ap, "grand mean of alliance"},
		{"OutcomeMean", "outcome-mean", ftoa(p.OutcomeMean), sp, "grand mean of symptoms"},
		{"AllianceRISD", "alliance-ri-sd", ftoa(p.AllianceRISD), ap, "SD of the patients' stable alliance level"},
		{"OutcomeRISD", "outcome-ri-sd", ftoa(p.OutcomeRISD), sp, "SD of the patients' stable symptom level"},
		{"RICorr", "ri-corr", ftoa(p.RICorr), "", "correlation of the two stable levels"},
		{"AllianceAR", "alliance-ar", ftoa(p.AllianceAR), "", "within-person carry-over of alliance to the next session"},
		{"OutcomeAR", "outcome-ar", ftoa(p.OutcomeAR), "", "within-person carry-over of symptoms to the next session"},
		{"AllianceToOutcome", "alliance-to-outcome", ftoa(p.AllianceToOutcome), "symptom points per alliance point", "planted within-person effect of alliance on next-session symptoms"},
		{"OutcomeToAlliance", "outcome-to-alliance", ftoa(p.OutcomeToAlliance), "alliance points per symptom point", "planted within-person effect of symptoms on next-session alliance"},
		{"AllianceInnovSD", "alliance-innov-sd", ftoa(p.AllianceInnovSD), ap, "SD of the session-to-session alliance innovation"},
		{"OutcomeInnovSD", "outcome-innov-sd", ftoa(p.OutcomeInnovSD), sp, "SD of the session-to-session symptom innovation"},
		{"InnovCorr", "innov-corr", ftoa(p.InnovCorr), "", "correlation of the two innovations within a session"},
		{"MissingRate", "missing-rate", ftoa(p.MissingRate), "probability per session", "missing sessions (rows omitted, completely at random)"},
	}
}
