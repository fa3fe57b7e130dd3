package change

import (
	"math"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/describe"
	"gonum.org/v1/gonum/stat/distuv"
)

// RCIMethod names a reliable change index, as clinicalsignificance's rci_method.
type RCIMethod string

const (
	// JT, Jacobson & Truax (1991): RCI = (post − pre) / S_diff,
	// S_diff = √(2·SEM²), SEM = SD_pre·√(1 − r).
	JT RCIMethod = "JT"
	// GLN, Gulliksen, Lord & Novick: RCI = ((post − M_pre) − r(pre − M_pre)) / SE_pred,
	// SE_pred = SD_pre·√(1 − r²).
	GLN RCIMethod = "GLN"
	// HLL, Hsu, Lin & Lord: RCI = ((post − M_post) − r(pre − M_pre)) / SE_pred.
	HLL RCIMethod = "HLL"
	// EN, Edwards & Nunnally (Speer's reformulation):
	// RCI = (post − (r(pre − M_pre) + M_pre)) / SEM.
	EN RCIMethod = "EN"
	// NK, Nunnally & Kotsch: RCI = (post − (r(pre − M_pre) + M_pre)) /
	// √(r²·SD_pre²·(1 − r) + SD_pre²·(1 − r_post)).
	NK RCIMethod = "NK"
	// HA, Hageman & Arrindell (1999):
	// RCI = ((post − pre)·r_dd + (M_post − M_pre)(1 − r_dd)) / (√r_dd·√(2·SEM²)),
	// with r_dd the reliability of the difference scores; one-sided critical value.
	HA RCIMethod = "HA"
	// HLM, the multilevel method after Raudenbush & Bryk (2002): the
	// empirical Bayes random slope of score ~ time + (time | patient) over its
	// conditional SD. It needs all measurements: see HLMDistribution.
	HLM RCIMethod = "HLM"
)

// ParseRCIMethod reads a method name, case-insensitively. HLM is accepted,
// but it works on long data (HLMDistribution, HLMCombined), not on pairs.
func ParseRCIMethod(s string) (RCIMethod, error) {
	switch m := RCIMethod(strings.ToUpper(s)); m {
	case JT, GLN, HLL, EN, NK, HA, HLM:
		return m, nil
	}
	return "", errs.New(errs.InvalidOption, "change", "unknown rci method %q (use JT, GLN, HLL, EN, NK, HA or HLM)", s)
}

// RCIOptions are the arguments of cs_distribution / cs_combined that concern
// the reliable change index.
type RCIOptions struct {
	// Method is the RCI (default JT).
	Method RCIMethod
	// Reliability of the instrument (pre measurement for NK), in [0, 1].
	Reliability float64
	// ReliabilityPost is NK's post-measurement reliability; 0 means Reliability
	// (as cs_distribution does when it is missing).
	ReliabilityPost float64
	// Better is the beneficial direction (default Lower, the package's default).
	Better Better
	// SignificanceLevel (default .05) gives the critical value
	// qnorm(1 − level/2), or qnorm(1 − level) for HA.
	SignificanceLevel float64
}

func (o *RCIOptions) normalise() error {
	if o.Method == "" {
		o.Method = JT
	}
	m, err := ParseRCIMethod(string(o.Method))
	if err != nil {
		return err
	}
	o.Method = m
	if !(o.Reliability >= 0 && o.Reliability <= 1) {
		return errs.New(errs.InvalidOption, "change", "reliability must be between 0 and 1 but %v was supplied", o.Reliability)
	}
	if o.ReliabilityPost == 0 {
		o.ReliabilityPost = o.Reliability
	}
	if !(o.ReliabilityPost >= 0 && o.ReliabilityPost <= 1) {
		return errs.New(errs.InvalidOption, "change", "post reliability must be between 0 and 1 but %v was supplied", o.ReliabilityPost)
	}
	if o.SignificanceLevel == 0 {
		o.SignificanceLevel = 0.05
	}
	if !(o.SignificanceLevel > 0 && o.SignificanceLevel < 1) {
		return errs.New(errs.InvalidOption, "change", "significance level %v must lie in (0, 1)", o.SignificanceLevel)
	}
	if !o.Better.valid() {
		return errs.New(errs.InvalidOption, "change", "unknown direction %v (use Lower or Higher)", o.Better)
	}
	return nil
}

// criticalZ returns qnorm(1 − α/2), or qnorm(1 − α) for HA.
func (o *RCIOptions) criticalZ() float64 {
	if o.Method == HA {
		return distuv.UnitNormal.Quantile(1 - o.SignificanceLevel)
	}
	return distuv.UnitNormal.Quantile(1 - o.SignificanceLevel/2)
}

// rciParams holds the sample statistics and constants of one RCI fit.
type rciParams struct {
	Method                     RCIMethod
	MPre, SDPre, MPost, SDPost float64
	R, RPost                   float64
	SEM, SDiff, SEPred         float64
	CorPrePost, RDD            float64
	Denominator                float64
}

// fitRCI computes the method's constants from the used pairs.
func fitRCI(pre, post []float64, o RCIOptions) (rciParams, error) {
	p := rciParams{Method: o.Method, R: o.Reliability, RPost: o.ReliabilityPost}
	p.MPre, p.SDPre, _ = describe.MeanSD(pre)
	p.MPost, p.SDPost, _ = describe.MeanSD(post)
	p.SEM = p.SDPre * math.Sqrt(1-p.R)
	p.SDiff = math.Sqrt(2 * p.SEM * p.SEM)
	p.SEPred = p.SDPre * math.Sqrt(1-p.R*p.R)
	p.CorPrePost, p.RDD = nan, nan
	switch o.Method {
	case JT:
		p.Denominator = p.SDiff
	case GLN, HLL:
		p.Denominator = p.SEPred
	case EN:
		p.Denominator = p.SEM
	case NK:
		p.Denominator = math.Sqrt(p.R*p.R*p.SDPre*p.SDPre*(1-p.R) + p.SDPre*p.SDPre*(1-p.RPost))
	case HA:
		r1 := haReliability(p.SDPre, p.SEM)
		r2 := haReliability(p.SDPost, p.SEM)
		p.CorPrePost = pearson(pre, post, p.MPre, p.MPost)
		c := p.CorPrePost
		num := p.SDPre*p.SDPre*r1 + p.SDPost*p.SDPost*r2 - 2*p.SDPre*p.SDPost*c
		den := p.SDPre*p.SDPre + p.SDPost*p.SDPost - 2*p.SDPre*p.SDPost*c
		p.RDD = num / den
		p.Denominator = math.Sqrt(p.RDD) * math.Sqrt(2*p.SEM*p.SEM)
	}
	if !(p.Denominator > 0) || math.IsInf(p.Denominator, 0) {
		return p, errs.New(errs.Singular, "change", "%s RCI denominator is %v (SD of pre scores %v, reliability %v): need at least two distinct pre scores and reliability < 1", o.Method, p.Denominator, p.SDPre, p.R)
	}
	return p, nil
}

// rci returns the index for one patient.
func (p *rciParams) rci(pre, post float64) float64 {
	switch p.Method {
	case JT:
		return (post - pre) / p.Denominator
	case GLN:
		return ((post - p.MPre) - p.R*(pre-p.MPre)) / p.Denominator
	case HLL:
		return ((post - p.MPost) - p.R*(pre-p.MPre)) / p.Denominator
	case EN, NK:
		return (post - (p.R*(pre-p.MPre) + p.MPre)) / p.Denominator
	case HA:
		return ((post-pre)*p.RDD + (p.MPost-p.MPre)*(1-p.RDD)) / p.Denominator
	}
	return nan
}

// haReliability is Hageman & Arrindell's (SD² − SEM²)/SD².
func haReliability(sd, sem float64) float64 { return (sd*sd - sem*sem) / (sd * sd) }

// pearson is the Pearson correlation of x and y with the given means.
func pearson(x, y []float64, mx, my float64) float64 {
	var sxy, sxx, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	return sxy / math.Sqrt(sxx*syy)
}
