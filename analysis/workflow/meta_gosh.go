package workflow

import (
	"fmt"
	"math"
	"strings"

	"github.com/alliance-research/alliance/analysis/meta"
)

// GoshSpec is the GOSH figure (metafor's plot(gosh(res))): the I² ×
// pooled-estimate cloud of every subset fit with density margins; Out is
// the study whose subsets are coloured apart (metafor's out =; −1: none).
type GoshSpec struct {
	Gosh *meta.GoshResult
	Out  int
}

func (GoshSpec) Kind() string { return "gosh" }

// goshOut is the flagged study with the largest shift, or −1.
func goshOut(g *meta.GoshResult) int {
	out, best := -1, 0.0
	for j, s := range g.Studies {
		if d := math.Max(math.Abs(s.DEstimate), math.Abs(s.DI2)); s.Flagged && d > best {
			out, best = j, d
		}
	}
	return out
}

// fitGosh runs GOSH on the univariate model.
func (r *MetaRun) fitGosh() error {
	res := r.Model
	if res == nil {
		return invalid("Gosh", "GOSH needs the univariate model")
	}
	if len(res.Coefficients) != 1 {
		return invalid("Gosh", "GOSH is for an intercept-only model; drop the moderators")
	}
	g, err := meta.Gosh(res, meta.GoshOptions{Subsets: r.opt.GoshSubsets, Seed: r.opt.Seed, Progress: r.opt.GoshProgress})
	if err != nil {
		return err
	}
	r.Gosh = g
	r.Notes = append(r.Notes, g.Notes...)
	return nil
}

// composeGosh adds the GOSH paragraph, the studies' shifts and the figure.
func (r *MetaRun) composeGosh(s *Section) {
	g := r.Gosh
	how := fmt.Sprintf("all %d subsets", g.Subsets)
	if !g.AllSubsets {
		how = fmt.Sprintf("%d random subsets (seed %d)", g.Subsets, *g.Seed)
	}
	s.H("meta-gosh", "GOSH (graphical display of study heterogeneity)")
	line := fmt.Sprintf("The %s model was refitted to %s of the %d studies (Olkin, Dahabreh & Trikalinos, 2012).", g.Method, how, g.K)
	if g.Failed > 0 {
		line += fmt.Sprintf(" %d subset fits failed and are left out.", g.Failed)
	}
	switch {
	case g.K < meta.GoshMinFlagK:
		line += fmt.Sprintf(" With k < %d no study is flagged.", meta.GoshMinFlagK)
	case len(g.Flagged) == 0:
		line += " No study moves the cloud by more than 1 SD."
	default:
		word := "Study"
		if len(g.Flagged) > 1 {
			word = "Studies"
		}
		var parts []string
		for _, st := range g.Studies {
			if st.Flagged {
				parts = append(parts, fmt.Sprintf("%s (d = %s for the estimate, %s for I²: %s%% with it, %s%% without)", st.Study, num(st.DEstimate, 2), num(st.DI2, 2), num(st.I2With, 1), num(st.I2Without, 1)))
			}
		}
		line += fmt.Sprintf(" %s %s moved the cloud by more than 1 SD when included.", word, strings.Join(parts, "; "))
	}
	s.P(Plain, line)
	s.P(Plain, "Flag rule: "+g.Rule+".")
	r.methods = append(r.methods, fmt.Sprintf("A GOSH analysis (Olkin, Dahabreh & Trikalinos, 2012) refitted the model to %s; %s.", how, g.Rule))
	r.cite("olkin2012")
	if r.has("gosh") {
		out := goshOut(g)
		cap := "Pooled estimate against I² of every subset fit, shaded by the density of fits, with the marginal distributions"
		if out >= 0 {
			cap += fmt.Sprintf("; subsets including study %s in red, the others in blue", g.Studies[out].Study)
		}
		r.figure(s, "gosh", "GOSH plot", cap+".", GoshSpec{Gosh: g, Out: out})
	}
}
