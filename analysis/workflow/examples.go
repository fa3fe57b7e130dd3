package workflow

import (
	"fmt"
	"strings"

	"github.com/alliance-research/alliance/datasets"
)

// The worked examples: the embedded dataset each analysis runs on when the
// user gives no data, and the settings that fit it. Each settings function
// completes the options the user gave (whatever is set stays) and says in
// a note what it assumed.

// The example datasets of the analyses (datasets.List names them).
const (
	MetaExampleData     = "demo-studies"
	SessionsExampleData = "demo-sessions" // sessions, lmm, panel, ruptures
	GainsExampleData    = "sgdata"        // with GainsExample's settings
	ChangeExampleData   = "claus2020"     // with ChangeExample's settings
)

// ExampleNote is the note that says an analysis runs on the embedded
// dataset name because no data were given: its title, whether it is
// simulated, and where it is described. An unknown name is an error.
func ExampleNote(name string) (Note, error) {
	info, err := datasets.Lookup(name)
	if err != nil {
		return Note{}, err
	}
	sim := ""
	if info.Simulated && !strings.Contains(info.Title, "SIMULATED") {
		sim = ", SIMULATED data"
	}
	return Note{Text: fmt.Sprintf("no data given: using the embedded dataset %s (%s%s); see 'alliance datasets describe %s'", info.Name, info.Title, sim, info.Name)}, nil
}

// GainsExample completes opt with the settings of the suddengains vignette
// on its sgdata: wide scores bdi_s1..bdi_s12, sessions 1 to 12, criterion
// 1 a cutoff of 7 BDI points (24 sudden gains).
func GainsExample(opt GainsOptions) (GainsOptions, Note) {
	if opt.Wide.Prefix == "" && len(opt.Wide.Columns) == 0 {
		opt.Wide.Prefix = "bdi_s"
	}
	if opt.First == nil {
		one := 1
		opt.First = &one
	}
	if opt.Last == nil {
		twelve := 12
		opt.Last = &twelve
	}
	if opt.Cutoff == nil && opt.Reliability == nil && !opt.NoCutoff {
		seven := 7.0
		opt.Cutoff = &seven
	}
	return opt, Note{Text: "example settings as the suddengains vignette: wide scores bdi_s, sessions 1 to 12, cutoff 7"}
}

// ChangeExample completes opt with clinicalsignificance's documented
// example on claus2020: cs_combined(claus_2020, id, time, hamd, pre = 1,
// post = 4, reliability = 0.8, m_functional = 8, sd_functional = 8,
// cutoff_type = "c").
func ChangeExample(opt ChangeOptions) (ChangeOptions, Note) {
	set := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	num := func(p **float64, v float64) {
		if *p == nil {
			*p = &v
		}
	}
	set(&opt.Score, "hamd")
	set(&opt.Pre, "1")
	set(&opt.Post, "4")
	set(&opt.CutoffType, "c")
	num(&opt.Reliability, 0.8)
	num(&opt.MFunctional, 8)
	num(&opt.SDFunctional, 8)
	return opt, Note{Text: "example settings as clinicalsignificance's cs_combined example: outcome hamd, pre 1, post 4, reliability 0.8, functional mean 8 and SD 8, cutoff c"}
}

// LMMExampleFormula is the model fitted to the embedded demo-sessions when
// no formula is given.
const LMMExampleFormula = "outcome ~ session + alliance + (1 | therapist/patient)"

// LMMExample completes opt for the embedded demo-sessions when no formula
// is given (LMMExampleFormula), with the note that says which model runs.
func LMMExample(opt LMMOptions) (LMMOptions, Note) {
	if opt.Formula == "" {
		opt.Formula = LMMExampleFormula
	}
	return opt, Note{Text: fmt.Sprintf("example model: %s", opt.Formula)}
}
