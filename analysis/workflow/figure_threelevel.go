package workflow

import (
	"fmt"
	"math"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/metamv"
)

// ThreeLevelFunnelSpec is the funnel plot of a three-level model: each
// effect size (intercept-only model) or residual yᵢ − x′ᵢβ̂ (meta-regression)
// against its standard error √vᵢ, with the significance contours around 0,
// the pseudo-confidence region around the estimate (0 for residuals), the
// points coloured by their outer cluster and, when Bias has it, the
// multilevel Egger line.
type ThreeLevelFunnelSpec struct {
	Fit      *metamv.Result
	Yi, Vi   []float64        // per input row
	Clusters []string         // outer cluster per input row
	Bias     *meta.BiasResult // may be nil
	R        bool             // Fisher z axis label
}

// ThreeLevelBubbleSpec is the bubble plot of a three-level meta-regression
// on one numeric moderator: X and Yi per input row, bubbles with area
// proportional to metafor's weights(res), the fitted line with its CI band.
type ThreeLevelBubbleSpec struct {
	Fit       *metamv.Result
	Yi, X     []float64 // per input row
	Clusters  []string  // outer cluster per input row
	Moderator string
	R         bool
}

// ThreeLevelProfileSpec is the profile (restricted) log-likelihood of each
// σ² of a three-level model, one panel per component, with the maximum and
// the profile-likelihood CI marked (metafor's profile(res)).
type ThreeLevelProfileSpec struct {
	Profiles []*metamv.Sigma2Profile
	Level    float64 // of the CIs
}

func (ThreeLevelFunnelSpec) Kind() string  { return "three-level-funnel" }
func (ThreeLevelBubbleSpec) Kind() string  { return "three-level-bubble" }
func (ThreeLevelProfileSpec) Kind() string { return "three-level-profile" }

// threeLevelFigure maps a three-level figure to the figure name the user
// asks for ("funnel-three-level" is drawn for --funnel).
func threeLevelFigure(name string) string { return strings.TrimSuffix(name, "-three-level") }

// composeThreeLevelFigures adds the funnel, bubble and profile figures of
// the three-level model that the options ask for.
func (r *MetaRun) composeThreeLevelFigures(s *Section) {
	res := r.ThreeLevel
	outer := r.eff.ids[strings.ToLower(r.eff.outer)]
	if r.has("funnel") {
		what, centre := "effect size", "the three-level estimate"
		if len(res.Coefficients) > 1 {
			what, centre = "residual (effect size minus its fitted value)", "zero"
		}
		cap := fmt.Sprintf("Contour-enhanced funnel plot of the three-level model: each %s against its standard error, coloured by %s; shaded regions mark p < .10, .05 and .01 around zero; the triangle is the pseudo-confidence region around %s", what, r.eff.outer, centre)
		if b := r.ThreeLevelBias; b != nil && b.Egger != nil && b.Egger.Estimate != nil {
			cap += "; the dotted line is the multilevel Egger regression on the standard error"
		}
		if r.isR() {
			cap += "; effects in Fisher z units"
		}
		r.figure(s, "funnel-three-level", "Funnel plot of the three-level model", cap+".",
			ThreeLevelFunnelSpec{Fit: res, Yi: r.eff.yi, Vi: r.eff.vi, Clusters: outer, Bias: r.ThreeLevelBias, R: r.isR()})
	}
	if r.has("bubble") {
		if len(res.Coefficients) == 2 && len(r.eff.mods) == 1 && r.eff.mods[0].Numeric != nil {
			m := r.eff.mods[0]
			r.figure(s, "bubble-three-level", "Three-level meta-regression on "+m.Name, fmt.Sprintf("Each circle is an effect size, with area proportional to its weight in the three-level model (the diagonal of the inverse marginal covariance, as metafor's weights); the line is the fitted meta-regression on %s with its %s confidence band.", m.Name, apa.Level(res.Level)),
				ThreeLevelBubbleSpec{Fit: res, Yi: r.eff.yi, X: m.Numeric, Clusters: outer, Moderator: m.Name, R: r.isR()})
		} else {
			r.top = append(r.top, Note{Level: Warning, Text: "the bubble plot of the three-level model was not drawn: it needs a meta-regression on exactly one numeric moderator"})
		}
	}
	if r.has("profile") {
		var ps []*metamv.Sigma2Profile
		for j := 0; j < 2; j++ {
			p, err := res.ProfileSigma2(j, nil)
			if err != nil {
				r.top = append(r.top, Note{Level: Warning, Text: fmt.Sprintf("the profile of σ² (%s) was not drawn: %s", res.Levels[j], strings.TrimPrefix(err.Error(), "metamv: "))})
				continue
			}
			ps = append(ps, p)
		}
		if len(ps) > 0 {
			cap := fmt.Sprintf("Profile %s log-likelihood of each variance component of the three-level model, the other re-estimated at each value (metafor's profile); the dashed line is the maximum less χ²₁(%s)/2, crossing the curve at the bounds of the profile-likelihood %s CI, marked by the vertical lines.",
				map[bool]string{true: "restricted", false: ""}[res.Method == metamv.REML], trimZero(res.Level), apa.Level(res.Level))
			cap = strings.Replace(cap, "Profile  log", "Profile log", 1)
			if r.opt.NoProfile {
				cap += " The CIs were not computed (--no-profile): no bounds are marked."
			}
			r.figure(s, "profile-three-level", "Profile likelihood of the variance components", cap, ThreeLevelProfileSpec{Profiles: ps, Level: res.Level})
		}
	}
}

// trimZero prints a level such as 0.95 as ".95".
func trimZero(x float64) string {
	s := fmt.Sprintf("%g", x)
	if math.Abs(x) < 1 {
		s = strings.Replace(s, "0.", ".", 1)
	}
	return s
}

// threeLevelFigures are the figure names drawn for a three-level model
// alone (as "<name>-three-level").
var threeLevelFigures = map[string]bool{"forest": true, "funnel": true, "bubble": true, "profile": true}

// forestClusterMeans returns the cluster means of the grouped forest plot
// (nil, with a note, when they cannot be computed).
func (r *MetaRun) forestClusterMeans() []metamv.ClusterMean {
	if !r.has("forest") {
		return nil
	}
	cm, err := r.ThreeLevel.ClusterMeans()
	if err != nil {
		r.top = append(r.top, Note{Level: Warning, Text: "the forest plot of the three-level model is not grouped by cluster: " + strings.TrimPrefix(err.Error(), "metamv: ")})
		return nil
	}
	return cm
}
