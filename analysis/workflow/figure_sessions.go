package workflow

import (
	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/analysis/mixed"
	"github.com/alliance-research/alliance/analysis/panel"
	"github.com/alliance-research/alliance/analysis/rupture"
	"github.com/alliance-research/alliance/analysis/sessions"
)

// The figure kinds of the session-level workflows, drawn by
// plots.FromSpec (plots/spec_sessions.go).

// JacobsonTruaxSpec is the Jacobson–Truax plot of a reliable-change
// result: post against pre, the band of change that is not reliable, the
// clinical cutoff when there is one.
type JacobsonTruaxSpec struct {
	Change *change.Result
	Label  string
}

// SuddenGainSpec is suddengains' plot_sg: the mean score at the sessions
// around each gain (N−2 … N+3) with confidence intervals.
type SuddenGainSpec struct {
	Gains []change.Gain
	Label string
	Level float64
}

// RuptureSpec is the rupture plot of one or more patients: the alliance
// series with each episode's own reference and threshold, its rupture
// and repair sessions.
type RuptureSpec struct {
	Series   []rupture.Series
	Result   *rupture.Result
	Patients []string
	Label    string
}

// TrajectorySpec draws each patient's scores by session with the mean and
// its confidence interval. With Means the band is theirs (computed over
// every patient) and the rows may hold a sample of the patients only.
type TrajectorySpec struct {
	Patient []string
	Session []float64
	Value   []float64
	Label   string
	Level   float64
	Means   []SessionMean
}

// WithinBetweenSpec is the two-panel figure of alliance and outcome
// between patients (patient means) and within patients (deviations from
// the patient means). With Model (a concurrent model: the same-session
// association the points show) the lines are its within and between
// slopes with their confidence limits; with Model nil they are the raw
// least-squares slopes, and the caption says so.
type WithinBetweenSpec struct {
	Patient           []string
	Alliance, Outcome []float64
	XLabel, YLabel    string
	Model             *sessions.Result
}

// CaterpillarSpec draws the predicted random intercepts (conditional
// modes) of one grouping factor of a mixed model with their intervals.
type CaterpillarSpec struct {
	Fit   *mixed.Result
	Group string // grouping factor; "" = the one with the fewest levels
	Term  string // random term; "" = the first of the group
	Label string // axis label
	Level float64
}

func (JacobsonTruaxSpec) Kind() string { return "jacobson-truax" }
func (SuddenGainSpec) Kind() string    { return "sudden-gains" }
func (RuptureSpec) Kind() string       { return "rupture" }
func (TrajectorySpec) Kind() string    { return "trajectories" }
func (WithinBetweenSpec) Kind() string { return "within-between" }
func (CaterpillarSpec) Kind() string   { return "caterpillar" }
func (PanelLaggedSpec) Kind() string   { return "panel-lagged" }

// PanelLaggedSpec draws the lagged paths of a panel model with their
// confidence intervals: by wave in a 2 × 2 grid (autoregressive paths
// above, cross-lagged below) when they vary over waves, as one row per
// path when the model is stationary. XName and YName label the two
// variables (the Lagged From/To names).
type PanelLaggedSpec struct {
	Lagged       []panel.LaggedEffect
	XName, YName string
	Level        float64
}
