package rupture

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/analysis/errs"
)

// Method names the rule that flags a rupture session.
type Method string

const (
	// MethodSD flags a drop of at least K standard deviations below the
	// reference (the default; Stiles et al. 2004; Gumz et al. 2012).
	MethodSD Method = "sd"
	// MethodThreshold flags a drop of at least Threshold scale points.
	MethodThreshold Method = "threshold"
	// MethodPercent flags a drop of at least Percent % of the reference.
	MethodPercent Method = "percent"
	// MethodRCI flags a drop larger than the reliable change,
	// 1.96·√2·s·√(1 − r) (Jacobson & Truax 1991).
	MethodRCI Method = "rci"
	// MethodSuddenLoss applies the Tang & DeRubeis (1999) sudden-gain
	// criteria to falls of the alliance score (analysis/change).
	MethodSuddenLoss Method = "sudden-loss"
	// MethodSelfReport flags sessions whose post-session rupture item is at
	// least RuptureMin (Muran et al. 2009).
	MethodSelfReport Method = "self-report"
)

// ParseMethod returns the Method named s.
func ParseMethod(s string) (Method, error) {
	switch m := Method(s); m {
	case MethodSD, MethodThreshold, MethodPercent, MethodRCI, MethodSuddenLoss, MethodSelfReport:
		return m, nil
	}
	return "", errs.New(errs.InvalidOption, "rupture", "unknown method %q (use sd, threshold, percent, rci, sudden-loss or self-report)", s)
}

// Reference names the level a session's score is compared with.
type Reference string

const (
	// ReferencePrevious compares a session with the previous observed
	// session of the same patient (the default).
	ReferencePrevious Reference = "previous"
	// ReferenceMean compares a session with the mean of up to Window
	// preceding observed sessions (all preceding sessions when Window = 0).
	ReferenceMean Reference = "mean"
)

// ParseReference returns the Reference named s.
func ParseReference(s string) (Reference, error) {
	switch r := Reference(s); r {
	case ReferencePrevious, ReferenceMean:
		return r, nil
	}
	return "", errs.New(errs.InvalidOption, "rupture", "unknown reference %q (use previous or mean)", s)
}

// SDSource names the standard deviation used by MethodSD.
type SDSource string

const (
	// SDWithin is the patient's own SD: the sample SD (n − 1) of all the
	// patient's observed scores.
	SDWithin SDSource = "within"
	// SDSample is the pooled within-patient SD of the sample,
	// √(Σᵢ Σₜ (xᵢₜ − x̄ᵢ)² / Σᵢ (nᵢ − 1)) (see SampleStats).
	SDSample SDSource = "sample"
	// SDMax is the larger of SDWithin and SDSample, the stricter of the two,
	// as Gumz et al. (2012) propose.
	SDMax SDSource = "max"
)

// ParseSDSource returns the SDSource named s.
func ParseSDSource(s string) (SDSource, error) {
	switch r := SDSource(s); r {
	case SDWithin, SDSample, SDMax:
		return r, nil
	}
	return "", errs.New(errs.InvalidOption, "rupture", "unknown SD source %q (use within, sample or max)", s)
}

// RCIZ is the critical value of the reliable-change rule, the two-sided 5 %
// normal quantile used by Jacobson & Truax (1991).
const RCIZ = 1.96

// Options are the parameters of rupture and repair detection. Start from
// DefaultOptions or Preset and change what you need; NewDetector validates
// them.
type Options struct {
	// Method is the rupture rule.
	Method Method `json:"method"`
	// K is the number of SDs a drop must reach under MethodSD (default 2).
	K float64 `json:"k,omitempty"`
	// SDSource chooses the SD of MethodSD (default SDSample).
	SDSource SDSource `json:"sd_source,omitempty"`
	// SampleSD is the pooled within-patient SD of the sample, needed by
	// SDSample and SDMax. 0 means not set: Analyze and Prepare compute it
	// from the data; a streaming caller computes it with SampleStats in a
	// first pass.
	SampleSD float64 `json:"sample_sd,omitempty"`
	// Threshold is the drop in scale points of MethodThreshold.
	Threshold float64 `json:"threshold,omitempty"`
	// Percent is the drop in percent of the reference of MethodPercent
	// (e.g. 20 for 20 %).
	Percent float64 `json:"percent,omitempty"`
	// Reliability is r of MethodRCI (0 ≤ r < 1).
	Reliability float64 `json:"reliability,omitempty"`
	// RCISD is s of MethodRCI. 0 means not set: Analyze and Prepare use the
	// SD of all observed scores of the sample (SampleStats.TotalSD), as
	// Jacobson & Truax use the SD of the pre-treatment scores.
	RCISD float64 `json:"rci_sd,omitempty"`
	// SuddenLoss are the criteria of MethodSuddenLoss, in the terms of
	// analysis/change. Direction must be change.Gains: a fall of the
	// alliance score is what suddengains calls a gain (x[p] − x[p+1] ≥
	// cutoff). DefaultOptions sets suddengains' defaults without the
	// absolute criterion (NoCutoff); set Cutoff (e.g. from
	// change.DefineCrit1Cutoff) and NoCutoff = false to apply it.
	SuddenLoss change.Criteria `json:"-"`
	// RuptureMin is the least rupture-item value that marks a rupture under
	// MethodSelfReport (default 2).
	RuptureMin float64 `json:"rupture_min,omitempty"`
	// ResolutionMin is the least resolution-item value that marks the
	// rupture as resolved in the same session (MethodSelfReport with a
	// resolution item; default 3).
	ResolutionMin float64 `json:"resolution_min,omitempty"`
	// Reference is the level a session is compared with (default previous).
	// MethodSuddenLoss always uses the previous session (its first criterion).
	Reference Reference `json:"reference"`
	// Window is w of ReferenceMean: the mean of up to w preceding observed
	// sessions; 0 means all preceding sessions (default 3).
	Window int `json:"window,omitempty"`
	// MaxGap breaks a series where two consecutive observed sessions are more
	// than MaxGap session numbers apart: no reference, repair or sudden-loss
	// window reaches across the break. 0 means no limit.
	MaxGap int `json:"max_gap,omitempty"`
	// RepairWindow is the number of sessions after the rupture session
	// within which a repair must occur (sessions s with
	// rupture < s ≤ rupture + RepairWindow; default 3).
	RepairWindow int `json:"repair_window"`
	// RepairFraction is the part of the drop the score must regain:
	// repaired at the first session with score ≥ score_rupture +
	// RepairFraction·drop (default 1: back to the reference).
	RepairFraction float64 `json:"repair_fraction"`
}

// DefaultOptions returns the defaults of `alliance ruptures`: MethodSD with
// K = 2 and the sample's pooled within-patient SD (SDSample; Analyze and
// Prepare fill in SampleSD, a streaming caller computes it with SampleStats
// in a first pass), reference = previous session (Window 3 if switched to
// the mean), repair within 3 sessions back to the reference, self-report
// minima 2 (rupture) and 3 (resolution), and suddengains' criteria without
// the absolute cutoff for MethodSuddenLoss.
//
// Why the sample SD and not the patient's own. A rule that scales the drop
// by the patient's own SD (SDWithin, and SDMax, which is never smaller) has
// two properties that make it a poor default for classifying patients:
//
//   - The rupture inflates the SD it is judged by. A drop of D that lasts a
//     fraction f of the n sessions adds about f(1 − f)·D² to the patient's
//     variance, so SD² ≈ σ² + f(1 − f)·D². An unrepaired drop in mid
//     treatment (f ≈ 1/2) gives 2·SD ≥ D: the threshold is at least the
//     drop itself, whatever D, and the rupture is found only when the noise
//     happens to deepen it.
//   - Its false-alarm rate does not shrink as the noise does. Without any
//     rupture, the successive difference of a series with SD σ and lag-1
//     autocorrelation ρ has SD σ·√(2(1 − ρ)), so P(drop ≥ 2σ) per session
//     depends on ρ only (≈ .045 at ρ = .3), and over 14 sessions about 1 − (1
//     − .045)^13 ≈ 45 % of rupture-free patients are flagged.
//
// The pooled within-patient SD dilutes each patient's rupture over the
// sample and sets one threshold for all. On simulated data with planted
// episodes (see the package documentation, "Recovery of planted episodes")
// it recovers them far better than the own-SD rules. Its assumption is that
// patients fluctuate about equally from session to session: where they do
// not, it flags the more variable patients more often, and the stricter
// SDMax (Gumz et al. 2012; presets larsson2018 and gumz2012-2sd) is the
// safer choice. Before this default was chosen SDSource was SDWithin.
func DefaultOptions() Options {
	sl := change.DefaultCriteria(change.Gains, 0)
	sl.NoCutoff = true
	return Options{
		Method:         MethodSD,
		K:              2,
		SDSource:       SDSample,
		SuddenLoss:     sl,
		RuptureMin:     2,
		ResolutionMin:  3,
		Reference:      ReferencePrevious,
		Window:         3,
		RepairWindow:   3,
		RepairFraction: 1,
	}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// Validate reports the first problem with o, saying what to change.
func (o Options) Validate() error {
	if _, err := ParseMethod(string(o.Method)); err != nil {
		return err
	}
	if _, err := ParseReference(string(o.Reference)); err != nil {
		return err
	}
	if o.Window < 0 {
		return errs.New(errs.InvalidOption, "rupture", "window %d is negative (use 0 for all preceding sessions)", o.Window).WithHint("Window")
	}
	if o.MaxGap < 0 {
		return errs.New(errs.InvalidOption, "rupture", "max gap %d is negative (use 0 for no limit)", o.MaxGap).WithHint("MaxGap")
	}
	if o.RepairWindow < 1 {
		return errs.New(errs.InvalidOption, "rupture", "repair window %d must be at least 1 session", o.RepairWindow).WithHint("RepairWindow")
	}
	if !(o.RepairFraction > 0) || math.IsInf(o.RepairFraction, 0) {
		return errs.New(errs.InvalidOption, "rupture", "repair fraction %v must be a positive number (1 = back to the reference)", o.RepairFraction).WithHint("RepairFraction")
	}
	switch o.Method {
	case MethodSD:
		if !(o.K > 0) || math.IsInf(o.K, 0) {
			return errs.New(errs.InvalidOption, "rupture", "k %v must be a positive number of SDs", o.K).WithHint("K")
		}
		if _, err := ParseSDSource(string(o.SDSource)); err != nil {
			return err
		}
		if o.SDSource != SDWithin && !(o.SampleSD > 0 && finite(o.SampleSD)) {
			return errs.New(errs.InvalidOption, "rupture", "sd source %q needs the sample's pooled within-patient SD (SampleSD = %v); compute it with SampleStats or Prepare", o.SDSource, o.SampleSD).WithHint("SDSource")
		}
	case MethodThreshold:
		if !(o.Threshold > 0) || math.IsInf(o.Threshold, 0) {
			return errs.New(errs.InvalidOption, "rupture", "threshold %v must be a positive number of scale points", o.Threshold).WithHint("Threshold")
		}
	case MethodPercent:
		if !(o.Percent > 0 && o.Percent <= 100) {
			return errs.New(errs.InvalidOption, "rupture", "percent %v must lie in (0, 100]", o.Percent).WithHint("Percent")
		}
	case MethodRCI:
		if !(o.Reliability >= 0 && o.Reliability < 1) {
			return errs.New(errs.InvalidOption, "rupture", "reliability %v must lie in [0, 1)", o.Reliability).WithHint("Reliability")
		}
		if !(o.RCISD > 0 && finite(o.RCISD)) {
			return errs.New(errs.InvalidOption, "rupture", "the reliable-change SD %v must be a positive number (set RCISD or let Prepare use the sample SD)", o.RCISD).WithHint("RCISD")
		}
	case MethodSuddenLoss:
		if o.SuddenLoss.Direction != change.Gains {
			return errs.New(errs.InvalidOption, "rupture", "sudden-loss criteria must have Direction change.Gains: an alliance decline is a fall of the score, which suddengains calls a gain")
		}
		if err := o.SuddenLoss.Validate(); err != nil {
			return fmt.Errorf("rupture: sudden-loss criteria: %w", err)
		}
	case MethodSelfReport:
		if !finite(o.RuptureMin) {
			return errs.New(errs.InvalidOption, "rupture", "rupture-item minimum %v is not a finite number", o.RuptureMin).WithHint("RuptureMin")
		}
		if !finite(o.ResolutionMin) {
			return errs.New(errs.InvalidOption, "rupture", "resolution-item minimum %v is not a finite number", o.ResolutionMin).WithHint("ResolutionMin")
		}
	}
	return nil
}

// RCIThreshold returns the reliable-change drop 1.96·√2·s·√(1 − r)
// (Jacobson & Truax 1991): the smallest difference between two scores of one
// person that is unlikely (p < .05) to be measurement error alone.
func RCIThreshold(s, r float64) float64 {
	return RCIZ * math.Sqrt2 * s * math.Sqrt(1-r)
}
