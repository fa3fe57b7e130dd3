package rupture

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
)

// Result is the outcome of Analyze: the `alliance ruptures` JSON.
type Result struct {
	// Preset names the preset used, if any.
	Preset string `json:"preset,omitempty"`
	// Options are the options applied (with SampleSD and RCISD filled in).
	Options Options `json:"options"`
	// Episodes lists every rupture, by patient and session.
	Episodes []Episode `json:"episodes"`
	// Patients lists every patient's class, in input order.
	Patients []Patient `json:"patients"`
	// Summary holds rates, counts and per-therapist rates.
	Summary Summary `json:"summary"`
	// Effects, ClassOutcomes and ANCOVA are filled by Estimate.
	Effects       []Effect       `json:"effects,omitempty"`
	ClassOutcomes []ClassOutcome `json:"class_outcomes,omitempty"`
	ANCOVA        *ANCOVA        `json:"ancova,omitempty"`
}

// Prepare returns o with the sample quantities it needs filled in from
// series: SampleSD for SDSample and SDMax, RCISD for MethodRCI, when they
// are 0. It reports a sample without the variability the rule needs.
func Prepare(series []Series, o Options) (Options, error) {
	if !NeedsSample(o) {
		return o, nil
	}
	var st SampleStats
	for i := range series {
		st.Add(series[i].Score)
	}
	return PrepareFrom(&st, o)
}

// NeedsSample reports whether o needs sample quantities (SampleStats)
// before detection: SampleSD for SDSample and SDMax, RCISD for MethodRCI,
// when they are 0. A streaming caller then makes a first pass over the
// patients with SampleStats.Add.
func NeedsSample(o Options) bool {
	needW := o.Method == MethodSD && (o.SDSource == SDSample || o.SDSource == SDMax) && o.SampleSD == 0
	needT := o.Method == MethodRCI && o.RCISD == 0
	return needW || needT
}

// PrepareFrom is Prepare with the sample quantities of st (every patient's
// scores added, in any order up to rounding).
func PrepareFrom(st *SampleStats, o Options) (Options, error) {
	needW := o.Method == MethodSD && (o.SDSource == SDSample || o.SDSource == SDMax) && o.SampleSD == 0
	needT := o.Method == MethodRCI && o.RCISD == 0
	if needW {
		o.SampleSD = st.PooledWithinSD()
		if !(o.SampleSD > 0) {
			return o, errs.New(errs.Singular, "rupture", "the pooled within-patient SD of the sample is %v (no patient has two different observed scores); use sd source within or a fixed threshold", o.SampleSD)
		}
	}
	if needT {
		o.RCISD = st.TotalSD()
		if !(o.RCISD > 0) {
			return o, errs.New(errs.Singular, "rupture", "the SD of all observed scores is %v; set the reliable-change SD (RCISD) explicitly", o.RCISD)
		}
	}
	return o, nil
}

// Analyze detects ruptures and repairs in every series with o (after
// Prepare), classifies the patients and summarises. For data too large to
// hold, stream instead: SampleStats (first pass, if needed), then
// Detector.Patient and Tally.Add per patient.
func Analyze(series []Series, o Options) (*Result, error) {
	o, err := Prepare(series, o)
	if err != nil {
		return nil, err
	}
	d, err := NewDetector(o)
	if err != nil {
		return nil, err
	}
	res := &Result{Options: o, Episodes: []Episode{}, Patients: make([]Patient, 0, len(series))}
	var t Tally
	seen := make(map[string]bool, len(series))
	for i := range series {
		if seen[series[i].Patient] {
			return nil, errs.Inputf("rupture", 0, "patient %q appears in two series (one series per patient)", series[i].Patient)
		}
		seen[series[i].Patient] = true
		first := len(res.Episodes)
		var p Patient
		p, res.Episodes, err = d.Patient(series[i], res.Episodes)
		if err != nil {
			return nil, err
		}
		res.Patients = append(res.Patients, p)
		t.Add(p, res.Episodes[first:])
	}
	res.Summary = t.Summary()
	return res, nil
}

// AnalyzePreset is Analyze with the named preset's options.
func AnalyzePreset(series []Series, preset string) (*Result, error) {
	o, err := Preset(preset)
	if err != nil {
		return nil, err
	}
	res, err := Analyze(series, o)
	if err != nil {
		return nil, fmt.Errorf("preset %s: %w", preset, err)
	}
	res.Preset = preset
	return res, nil
}

// SensitivityRow is one preset's line of the sensitivity table.
type SensitivityRow struct {
	Preset      string `json:"preset"`
	Method      Method `json:"method"`
	Episodes    int    `json:"n_episodes"`
	Repaired    int    `json:"n_repaired"`
	WithRupture int    `json:"n_with_rupture"`
	// None, RepairedClass, Unrepaired, Censored, Insufficient count
	// patients by class.
	None          int   `json:"n_none"`
	RepairedClass int   `json:"n_repaired_class"`
	Unrepaired    int   `json:"n_unrepaired"`
	Censored      int   `json:"n_censored"`
	Insufficient  int   `json:"n_insufficient"`
	RuptureRate   Float `json:"rupture_rate"`
	RepairRate    Float `json:"repair_rate"`
	// Error is set when the preset cannot be applied to these data (e.g. no
	// within-patient variability); the counts are then zero.
	Error string `json:"error,omitempty"`
}

// Sensitivity applies each named preset (all presets when names is empty)
// to series and tabulates episodes and classes side by side, as Gumz et al.
// (2012) compared criteria.
func Sensitivity(series []Series, names []string) ([]SensitivityRow, error) {
	if len(names) == 0 {
		for _, p := range Presets() {
			names = append(names, p.Name)
		}
	}
	rows := make([]SensitivityRow, 0, len(names))
	for _, name := range names {
		o, err := Preset(name)
		if err != nil {
			return nil, err
		}
		row := SensitivityRow{Preset: name, Method: o.Method, RuptureRate: Float(math.NaN()), RepairRate: Float(math.NaN())}
		res, err := Analyze(series, o)
		if err != nil {
			row.Error = err.Error()
			rows = append(rows, row)
			continue
		}
		s := res.Summary
		row.Episodes, row.Repaired, row.WithRupture = s.Episodes, s.Repaired, s.WithRupture
		row.None, row.RepairedClass, row.Unrepaired, row.Censored, row.Insufficient = s.Classes[0].N, s.Classes[1].N, s.Classes[2].N, s.Classes[3].N, s.Classes[4].N
		row.RuptureRate, row.RepairRate = s.RuptureRate, s.RepairRate
		rows = append(rows, row)
	}
	return rows, nil
}
