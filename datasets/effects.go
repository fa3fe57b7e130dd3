package datasets

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/alliance-research/alliance/analysis/effectsize"
	"github.com/alliance-research/alliance/analysis/errs"
)

// Which columns Studies.EffectSizes takes the effect sizes from.
const (
	// EffectsAuto takes precomputed effect sizes (yi with vi or sei) when
	// a yi, vi or sei column was named in the StudyColumns given to
	// Table.Studies, or when the table lacks correlations or sample sizes;
	// otherwise it computes them from r and n.
	EffectsAuto = ""
	// EffectsFromR computes the effect sizes from correlations and sample
	// sizes with escalc.
	EffectsFromR = "r"
	// EffectsFromYi takes the precomputed effect sizes.
	EffectsFromYi = "yi"
)

// EffectOptions choose the effect sizes Studies.EffectSizes returns. The
// zero value gives metafor's defaults: Fisher's z from r and n, or the
// precomputed yi and vi.
type EffectOptions struct {
	// Measure is the escalc measure computed from correlations: "ZCOR"
	// (the default: Fisher's z), "COR" or "UCOR" (case-insensitive). With
	// precomputed effect sizes it is only the label recorded in
	// Effects.Measure (default "GEN", escalc's generic measure).
	Measure string
	// VType is escalc's vtype for COR and UCOR ("" = "LS"); ZCOR and
	// precomputed effect sizes ignore it.
	VType string
	// From is EffectsAuto, EffectsFromR or EffectsFromYi.
	From string
}

// Effects are the effect sizes of a study table, ready for a meta-analysis:
// one yi and one sampling variance vi per row of the Studies, in its order.
type Effects struct {
	Measure string    // "ZCOR", "COR", "UCOR", or the label of precomputed effect sizes ("GEN" by default)
	VType   string    // escalc's vtype used for COR and UCOR ("LS", "AV", "H0", "UB"); "" otherwise
	Yi      []float64 // effect sizes
	Vi      []float64 // sampling variances, each > 0
	// Roles are the roles the effect sizes come from, "r", "n" or "yi"
	// with "vi" and/or "sei"; Columns are their header names, in the same
	// order.
	Roles   []string
	Columns []string
}

// EffectSizes returns the effect sizes and sampling variances of the
// studies, the one place where a study table becomes yi and vi:
//
//   - from correlations rᵢ and sample sizes nᵢ, escalc's measure
//     (effectsize.Escalc): ZCOR yᵢ = atanh(rᵢ), vᵢ = 1/(nᵢ − 3) (Fisher
//     1921); COR yᵢ = rᵢ, vᵢ = (1 − rᵢ²)²/(nᵢ − 1); UCOR the Olkin–Pratt
//     unbiased correlation;
//   - from precomputed effect sizes, yᵢ as given with vᵢ from the vi column,
//     or vᵢ = seᵢ² from the sei column where vi is missing (a table may
//     give some rows a variance and others a standard error). When the sei
//     column was named in StudyColumns and vi was not, seᵢ² is preferred.
//
// opt.From picks the source (see EffectsAuto). A value for which the measure
// is not defined (say n = 3 for ZCOR when the table was loaded without
// StudyOptions.FisherZ) is an *InputError located at the file line of the
// row and naming the file's column, as every loader error is; for a table
// from a DataFrame, at the row. When neither source is complete, the error
// lists the columns the table has (Hint "effects"). An unknown measure or
// source is an errs.InvalidOption error with Hint "Measure" or "From".
//
// Front ends and workflows call this rather than shaping yi and vi
// themselves, so that every one of them analyses the same numbers.
func (s *Studies) EffectSizes(opt EffectOptions) (*Effects, error) {
	k := s.K()
	if len(s.Line) == 0 { // a Studies built by hand may leave Line out
		k = max(len(s.R), len(s.Yi))
	}
	haveRN := s.R != nil && s.N != nil && len(s.R) == k && len(s.N) == k
	haveES := s.Yi != nil && len(s.Yi) == k && ((s.Vi != nil && len(s.Vi) == k) || (s.Sei != nil && len(s.Sei) == k))
	useES := false
	switch opt.From {
	case EffectsAuto:
		namedES := s.req.Yi != "" || s.req.Vi != "" || s.req.Sei != ""
		useES = haveES && (namedES || !haveRN)
		if !useES && !haveRN {
			return nil, s.effectsErr("need correlations and sample sizes, or effect sizes with sampling variances or standard errors", effectsAdvice)
		}
	case EffectsFromR:
		if !haveRN {
			return nil, s.effectsErr("effect sizes from correlations need correlations and sample sizes", "name them in StudyColumns.R and StudyColumns.N")
		}
	case EffectsFromYi:
		if !haveES {
			return nil, s.effectsErr("precomputed effect sizes need an effect size and a sampling variance or standard error for every study", "name them in StudyColumns.Yi with StudyColumns.Vi or StudyColumns.Sei")
		}
		useES = true
	default:
		return nil, errs.New(errs.InvalidOption, "datasets: EffectSizes", "unknown source %q of effect sizes: use %q (automatic), %q or %q", opt.From, EffectsAuto, EffectsFromR, EffectsFromYi).WithHint("From")
	}
	if useES {
		return s.precomputed(opt)
	}
	return s.fromCorrelations(opt)
}

// sized returns v when it has k values, else nil.
func sized(v []float64, k int) []float64 {
	if len(v) != k {
		return nil
	}
	return v
}

// precomputed returns yi with vi, or sei² where vi is missing.
func (s *Studies) precomputed(opt EffectOptions) (*Effects, error) {
	k := len(s.Yi)
	sv, ss := sized(s.Vi, k), sized(s.Sei, k)
	e := &Effects{Measure: opt.Measure, Yi: append([]float64(nil), s.Yi...), Vi: make([]float64, k)}
	if e.Measure == "" {
		e.Measure = "GEN"
	}
	e.Roles, e.Columns = []string{"yi"}, []string{or(s.Columns.Yi, "yi")}
	preferSei := ss != nil && (sv == nil || (s.req.Sei != "" && s.req.Vi == ""))
	usedVi, usedSei := false, false
	p := s.problems()
	for i := range e.Vi {
		vi, sei := math.NaN(), math.NaN()
		if sv != nil {
			vi = sv[i]
		}
		if ss != nil {
			sei = ss[i] * ss[i]
		}
		role, col, val := "vi", or(s.Columns.Vi, "vi"), vi
		if sv == nil || preferSei && !math.IsNaN(sei) || math.IsNaN(vi) && !math.IsNaN(sei) {
			role, col, val = "sei", or(s.Columns.Sei, "sei"), ss[i]
			e.Vi[i], usedSei = sei, true
		} else {
			e.Vi[i], usedVi = vi, true
		}
		// Table.Studies rejects these; a hand-built Studies may not.
		switch v := e.Vi[i]; {
		case math.IsNaN(e.Yi[i]) || math.IsInf(e.Yi[i], 0):
			p.addh(s.line(i), e.Columns[0], []byte(fmt.Sprint(e.Yi[i])), "yi", "is not a finite effect size")
		case !(v > 0) || math.IsInf(v, 0):
			msg := "is not a positive finite sampling variance"
			if role == "sei" {
				msg = "is not a positive finite standard error"
			}
			p.addh(s.line(i), col, []byte(fmt.Sprint(val)), role, "%s", msg)
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	if usedVi {
		e.Roles, e.Columns = append(e.Roles, "vi"), append(e.Columns, or(s.Columns.Vi, "vi"))
	}
	if usedSei {
		e.Roles, e.Columns = append(e.Roles, "sei"), append(e.Columns, or(s.Columns.Sei, "sei"))
	}
	return e, nil
}

// fromCorrelations computes escalc's measure from r and n.
func (s *Studies) fromCorrelations(opt EffectOptions) (*Effects, error) {
	m, err := effectsize.ParseMeasure(or(opt.Measure, "ZCOR"))
	if err != nil {
		var ee *errs.Error
		if errors.As(err, &ee) && ee.Hint == "" {
			ee.Hint = "Measure"
		}
		return nil, err
	}
	tab, err := effectsize.Escalc(m, effectsize.VType(opt.VType), s.R, s.N)
	if err != nil {
		var ie *effectsize.InputError
		if errors.As(err, &ie) {
			return nil, s.locate(ie)
		}
		return nil, err
	}
	return &Effects{Measure: string(tab.Measure), VType: string(tab.VType), Yi: tab.Yi, Vi: tab.Vi,
		Roles: []string{"r", "n"}, Columns: []string{or(s.Columns.R, "r"), or(s.Columns.N, "n")}}, nil
}

// locate places an effectsize error, whose Row indexes the studies, in the
// file (or frame) and names the file's column instead of the argument.
func (s *Studies) locate(ie *effectsize.InputError) error {
	var out *InputError
	if s.frame {
		out = &InputError{Problems: append([]Problem(nil), ie.Problems...), Total: ie.Total}
		for i := range out.Problems {
			out.Problems[i].Source = s.Name
		}
	} else {
		out = ie.At(s.Name, s.Line)
	}
	for i := range out.Problems {
		switch pr := &out.Problems[i]; pr.Column {
		case "r":
			pr.Column = or(s.Columns.R, "r")
		case "n":
			pr.Column = or(s.Columns.N, "n")
		}
	}
	return out
}

// effectsAdvice is the advice of a table without usable effect-size columns.
const effectsAdvice = "name them in StudyColumns.R and StudyColumns.N, or StudyColumns.Yi with StudyColumns.Vi or StudyColumns.Sei"

// effectsErr is the input error of a table without the columns the effect
// sizes need; it lists the columns the table has, with advice on the
// StudyColumns fields that name them.
func (s *Studies) effectsErr(what, advice string) error {
	found := s.header
	if found == nil {
		for _, c := range []string{s.Columns.Label, s.Columns.R, s.Columns.N, s.Columns.Yi, s.Columns.Vi, s.Columns.Sei} {
			if c != "" {
				found = append(found, c)
			}
		}
		found = append(found, s.Columns.Mods...)
		found = append(found, s.Columns.Cluster...)
	}
	p := s.problems()
	p.advise("effects", advice, "%s; columns are: %s", what, strings.Join(found, ", "))
	return p.err()
}

// line is the source line of row i (its 1-based position when the
// Studies has no lines).
func (s *Studies) line(i int) int {
	if i < len(s.Line) {
		return s.Line[i]
	}
	return i + 1
}

// problems collects problems of the studies' source.
func (s *Studies) problems() *problems { return &problems{file: s.Name, frame: s.frame} }
