package plots

import (
	"fmt"
	"math"
	"strings"

	"github.com/alliance-research/alliance/analysis/rupture"
	"github.com/alliance-research/alliance/analysis/workflow"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// fromSessionSpec draws the figures of the session workflows.
func fromSessionSpec(s workflow.FigureSpec) (*Figure, error) {
	switch s := s.(type) {
	case workflow.JacobsonTruaxSpec:
		return JacobsonTruaxFromChange(s)
	case workflow.SuddenGainSpec:
		if len(s.Gains) == 0 {
			return nil, fmt.Errorf("plots: no sudden gains to plot")
		}
		return SuddenGain(GainWindows(s.Gains), SuddenGainOptions{Level: s.Level, YLabel: s.Label})
	case workflow.RuptureSpec:
		return RuptureFromSpec(s)
	case workflow.TrajectorySpec:
		opt := TrajectoryOptions{Level: s.Level, XLabel: "Session", YLabel: s.Label}
		for _, m := range s.Means {
			opt.Means = append(opt.Means, MeanCI{X: m.Session, N: m.N, Mean: m.Mean, Lower: m.CILB, Upper: m.CIUB})
		}
		return Trajectories(s.Patient, s.Session, s.Value, opt)
	case workflow.WithinBetweenSpec:
		return WithinBetweenFromSpec(s)
	case workflow.CaterpillarSpec:
		return CaterpillarFromMixed(s)
	case workflow.PanelLaggedSpec:
		return PanelLaggedFromSpec(s)
	}
	return nil, fmt.Errorf("plots: no drawing for figure kind %q", s.Kind())
}

// JacobsonTruaxFromChange draws the Jacobson–Truax plot of a
// reliable-change result (JT or HA index).
func JacobsonTruaxFromChange(s workflow.JacobsonTruaxSpec) (*Figure, error) {
	pre, post, opt, err := JTFromChange(s.Change)
	if err != nil {
		return nil, err
	}
	opt.Label = s.Label
	return JacobsonTruax(pre, post, opt)
}

// CaterpillarFromMixed draws the conditional modes of one random term of
// a mixed model (by default the first term of the grouping factor with the
// fewest levels: therapists rather than patients) with intervals from their
// conditional SDs.
func CaterpillarFromMixed(s workflow.CaterpillarSpec) (*Figure, error) {
	r := s.Fit
	if r == nil || len(r.Ranef) == 0 {
		return nil, fmt.Errorf("plots: the model has no random effects to plot")
	}
	g, term := s.Group, s.Term
	if g == "" {
		g, term = r.Ranef[0].Group, r.Ranef[0].Name
		for _, b := range r.Ranef {
			if r.NGroups[b.Group] < r.NGroups[g] {
				g, term = b.Group, b.Name
			}
		}
	}
	if term == "" {
		term = "(Intercept)"
	}
	var names []string
	var est, sd []float64
	for _, b := range r.Ranef {
		if b.Group == g && b.Name == term {
			names, est, sd = append(names, b.Level), append(est, b.Value), append(sd, b.CondSD)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("plots: no random effect %s of %s", term, g)
	}
	label := s.Label
	if label == "" {
		label = fmt.Sprintf("%s: %s (conditional mode ± z·conditional SD)", g, term)
	}
	return Caterpillar(names, est, sd, CaterpillarOptions{Level: s.Level, XLabel: label})
}

// RuptureFromSpec draws one panel per patient of the spec: the alliance
// series, the patient's mean, ruptures and repairs, and for each episode
// its own reference level (dotted) and rupture threshold (dashed, the
// reference minus the drop needed) from the session before the rupture to
// its repair or the end of its repair window.
func RuptureFromSpec(s workflow.RuptureSpec) (*Figure, error) {
	if len(s.Patients) == 0 {
		return nil, fmt.Errorf("plots: rupture plot: no patient named")
	}
	fig := &Figure{}
	for _, p := range s.Patients {
		f, err := rupturePanel(s, p)
		if err != nil {
			return nil, err
		}
		fig.Panels = append(fig.Panels, f.Panels...)
		fig.Width = f.Width
		fig.Height += f.Height
	}
	return fig, nil
}

func rupturePanel(s workflow.RuptureSpec, patient string) (*Figure, error) {
	res := s.Result
	x, y, mean, err := patientScores(s.Series, patient)
	if err != nil {
		return nil, err
	}
	opt := RuptureOptions{YLabel: s.Label, XLabel: "Session", Title: "Patient " + patient, Threshold: math.NaN(), Mean: mean}
	var eps []rupture.Episode
	for _, ep := range res.Episodes {
		if ep.Patient == patient {
			eps = append(eps, ep)
			opt.Ruptures = append(opt.Ruptures, float64(ep.Session))
			if ep.RepairSession.Valid {
				opt.Repairs = append(opt.Repairs, float64(ep.RepairSession.V))
			}
		}
	}
	f, err := Rupture(x, y, opt)
	if err != nil {
		return nil, err
	}
	p := f.Panels[0][0]
	refDrawn, thrDrawn := false, false
	for _, sg := range episodeSegments(eps, x, res.Options.RepairWindow) {
		l, err := line([]float64{sg.X0, sg.X1}, []float64{sg.Reference, sg.Reference}, lineStyle(0.9, darkGrey, 1.5, 1.5))
		if err != nil {
			return nil, err
		}
		p.Add(l)
		if !refDrawn {
			p.Legend.Add("reference", l)
			refDrawn = true
		}
		if finite(sg.Threshold) {
			l, err := line([]float64{sg.X0, sg.X1}, []float64{sg.Threshold, sg.Threshold}, lineStyle(0.8, black, 4, 2))
			if err != nil {
				return nil, err
			}
			p.Add(l)
			if !thrDrawn {
				p.Legend.Add("threshold", l)
				thrDrawn = true
			}
		}
	}
	return f, nil
}

// WithinBetweenFromSpec draws the within/between figure. With the spec's
// Model (a concurrent model: alliance and outcome of the same session, the
// association the panels show) the lines are the model's slopes with their
// confidence limits: between patients (the patient-mean or, with therapist
// centring, the patient-deviation effect) through the centroid of the
// patient means, within patients (the session-deviation effect) through the
// origin. Without a model the panels show the raw least-squares slopes
// (WithinBetween), and the caption must say so.
func WithinBetweenFromSpec(s workflow.WithinBetweenSpec) (*Figure, error) {
	if s.Model == nil {
		return WithinBetween(s.Patient, s.Alliance, s.Outcome, WBOptions{XLabel: s.XLabel, YLabel: s.YLabel})
	}
	var within, between *mixedCoef
	for _, e := range s.Model.Effects {
		c := mixedCoef{e.Estimate, e.CILB, e.CIUB}
		switch e.Role {
		case "within":
			within = &c
		case "between", "patient":
			between = &c
		}
	}
	if within == nil || between == nil {
		return nil, fmt.Errorf("plots: within/between plot: the model has no within and between alliance effects")
	}
	mx, my, dx, dy, serr := wbSplit(s.Patient, s.Alliance, s.Outcome)
	if serr != nil {
		return nil, serr
	}
	var cx, cy float64
	for j := range mx {
		cx, cy = cx+mx[j], cy+my[j]
	}
	cx, cy = cx/float64(len(mx)), cy/float64(len(mx))
	xl, yl := s.XLabel, s.YLabel
	if xl == "" {
		xl = "Alliance"
	}
	if yl == "" {
		yl = "Outcome"
	}
	th := Theme{}.orDefault()
	lvl := pctLevel(s.Model.Level)
	panel := func(title, xlab, ylab string, px, py []float64, x0, y0 float64, b *mixedCoef) (*plot.Plot, error) {
		p, lo, hi, err := scatterBase(th, title, xlab, ylab, px, py, midGrey)
		if err != nil {
			return nil, err
		}
		for k, slope := range []float64{b.est, b.lb, b.ub} {
			ls := lineStyle(1.2, black)
			if k > 0 {
				ls = lineStyle(0.7, black, 3, 2)
			}
			l, err := line([]float64{lo, hi}, []float64{y0 + slope*(lo-x0), y0 + slope*(hi-x0)}, ls)
			if err != nil {
				return nil, err
			}
			p.Add(l)
			switch k {
			case 0:
				p.Legend.Add("model b = "+strings.ReplaceAll(formatNum(b.est, 2, false), "-", "−"), l)
			case 1:
				p.Legend.Add(lvl+" CI", l)
			}
		}
		p.Legend.Top = true
		niceRange(&p.X)
		niceRange(&p.Y)
		return p, nil
	}
	pb, err := panel("Between patients", xl+" (patient mean)", yl+" (patient mean)", mx, my, cx, cy, between)
	if err != nil {
		return nil, err
	}
	pw, err := panel("Within patients", xl+" (deviation from own mean)", yl+" (deviation from own mean)", dx, dy, 0, 0, within)
	if err != nil {
		return nil, err
	}
	return &Figure{Panels: [][]*plot.Plot{{pb, pw}}, Width: PageWidth, Height: 3 * vg.Inch}, nil
}

type mixedCoef struct{ est, lb, ub float64 }

// episodeSegment is the stretch of the rupture plot that belongs to one
// episode: from the session before the rupture to the repair (or the end
// of the repair window, cut at the last session), its reference level and
// its threshold (reference minus the drop needed; NaN when the rule has
// none).
type episodeSegment struct {
	X0, X1               float64
	Reference, Threshold float64
}

// episodeSegments returns each episode's own segment; sessions are the
// patient's observed sessions in order.
func episodeSegments(eps []rupture.Episode, sessions []float64, repairWindow int) []episodeSegment {
	var out []episodeSegment
	if len(sessions) == 0 {
		return nil
	}
	last := sessions[len(sessions)-1]
	for _, ep := range eps {
		ref := float64(ep.Reference)
		if !finite(ref) {
			continue
		}
		x0 := float64(ep.Session) - 1
		for k := len(sessions) - 1; k >= 0; k-- {
			if sessions[k] < float64(ep.Session) {
				x0 = sessions[k]
				break
			}
		}
		x1 := math.Min(float64(ep.Session+repairWindow), last)
		if ep.RepairSession.Valid {
			x1 = float64(ep.RepairSession.V)
		}
		out = append(out, episodeSegment{X0: x0, X1: x1, Reference: ref, Threshold: ref - float64(ep.Threshold)})
	}
	return out
}
