package datasets

import (
	"bytes"
	"embed"
	"io"
	"io/fs"
	"strings"
	"sync"
)

//go:embed data/*.csv data/*.md
var embedded embed.FS

// Kinds of embedded datasets.
const (
	KindStudies      = "studies"       // one row per effect size (r and n, or yi and vi)
	KindSessions     = "sessions"      // long format, one row per patient and session
	KindSessionsWide = "sessions-wide" // one row per patient, one column per session
	KindPrePost      = "prepost"       // two measurements (pre, post) per person
	KindWaves        = "waves"         // a few measurement waves per person, long format
)

// Info describes an embedded dataset.
type Info struct {
	Name      string   `json:"name"`      // name used by Lookup, Open, ReadEmbedded
	Kind      string   `json:"kind"`      // studies, sessions, sessions-wide, prepost or waves
	Title     string   `json:"title"`     // one line: what the data are
	Citation  string   `json:"citation"`  // the original source (see Source for the full note)
	Licence   string   `json:"licence"`   // licence of the data
	Simulated bool     `json:"simulated"` // true for data made by this module's simulator
	Rows      int      `json:"rows"`      // number of data rows in the file
	Columns   []string `json:"columns"`   // header of the file

	// Roles to load the data as their kind: study columns (KindStudies),
	// session columns and layout (KindSessions, KindSessionsWide, KindWaves).
	StudyColumns   StudyColumns   `json:"-"`
	SessionColumns SessionColumns `json:"-"`
	Wide           WideSpec       `json:"-"`
}

// catalog lists every dataset this module knows, in display order. Entries
// whose file is not embedded in this build are left out of List.
var catalog = []Info{
	{Name: "demo-sessions", Kind: KindSessions, Simulated: true,
		Title:    "SIMULATED session-by-session alliance (WAI-SR-like) and symptoms (PHQ-9-like), patients nested in therapists, with rupture-repair episodes",
		Citation: "simulated by github.com/alliance-research/alliance/datasets/simulate (see the source note for parameters and seed)",
		Licence:  "GPL-3.0-or-later (as this module)"},
	{Name: "demo-studies", Kind: KindStudies, Simulated: true,
		Title:        "SIMULATED study-level alliance-outcome correlations with moderators and several effects per study",
		Citation:     "simulated by github.com/alliance-research/alliance/datasets/simulate (see the source note for parameters and seed)",
		Licence:      "GPL-3.0-or-later (as this module)",
		StudyColumns: StudyColumns{Mods: []string{"alliance_rater", "outcome_rater", "treatment", "year"}, Cluster: []string{"study"}}},
	{Name: "molloy2014", Kind: KindStudies,
		Title:    "Conscientiousness and medication adherence: 16 correlations",
		Citation: "Molloy, O'Carroll & Ferguson (2014), Annals of Behavioral Medicine 47(1), 92-101; via R package metadat",
		Licence:  "GPL (>= 2)"},
	{Name: "mcdaniel1994", Kind: KindStudies,
		Title:    "Validity of employment interviews: 160 correlations with type and structure moderators",
		Citation: "McDaniel, Whetzel, Schmidt & Maurer (1994), Journal of Applied Psychology 79(4), 599-616; via R package metadat",
		Licence:  "GPL (>= 2)"},
	{Name: "cohen1981", Kind: KindStudies,
		Title:    "Instructor ratings and student achievement: 20 multisection validity correlations",
		Citation: "Cohen (1981), Review of Educational Research 51(3), 281-309; via R package metadat",
		Licence:  "GPL (>= 2)"},
	{Name: "kacker2004", Kind: KindStudies,
		Title:        "Interlaboratory comparison: 9 means with variances (tau-squared estimator example, not psychotherapy data)",
		Citation:     "Kacker (2004), Metrologia 41(3), 132-136; via statsmodels' test suite",
		Licence:      "BSD-3-Clause",
		StudyColumns: StudyColumns{Label: "lab", Yi: "y", Vi: "v"}},
	{Name: "sgdata", Kind: KindSessionsWide,
		Title:    "CONSTRUCTED example data: session-by-session BDI and rumination of 43 cases (wide)",
		Citation: "Wiedemann, Thew, Stott & Ehlers (2020), PLOS ONE 15(3), e0230276; R package suddengains",
		Licence:  "MIT",
		Wide:     WideSpec{Prefix: "bdi_s"}},
	{Name: "jacobson1989", Kind: KindPrePost,
		Title:    "Marital therapy pre/post scores of 30 participants (Jacobson & Truax 1991 example)",
		Citation: "Jacobson et al. (1989), Behaviour Research and Therapy 27(2), 173-180; via R package clinicalsignificance",
		Licence:  "GPL (>= 3)"},
	{Name: "claus2020", Kind: KindWaves,
		Title:          "Inpatient depression RCT: BDI-II, SHAPS, WHO-5 and HAM-D at 4 waves, 43 patients",
		Citation:       "Claus, Scherbaum & Bonnet (2020), Psychotherapy and Psychosomatics 89(4), 258-260; via R package clinicalsignificance",
		Licence:        "GPL (>= 3)",
		SessionColumns: SessionColumns{Patient: "id", Session: "time", Outcome: "hamd"}},
}

var (
	catalogOnce sync.Once
	catalogList []Info
)

// loadCatalog fills Rows and Columns of the embedded entries from their files.
func loadCatalog() {
	for _, info := range catalog {
		data, err := embedded.ReadFile("data/" + info.Name + ".csv")
		if err != nil {
			continue // not embedded in this build
		}
		// A file that does not parse is listed with Rows = 0; the error shows
		// when it is read.
		if t, err := ReadBytes(info.Name+".csv", data, ReadOptions{}); err == nil {
			info.Rows = t.NumRows()
			info.Columns = append([]string(nil), t.Header...)
		}
		catalogList = append(catalogList, info)
	}
}

// List returns the embedded datasets in display order, simulated ones first.
func List() []Info {
	catalogOnce.Do(loadCatalog)
	out := make([]Info, len(catalogList))
	copy(out, catalogList)
	return out
}

// Lookup returns the description of the embedded dataset name
// (case-insensitive). The error lists the available names.
func Lookup(name string) (Info, error) {
	for _, info := range List() {
		if strings.EqualFold(info.Name, name) {
			return info, nil
		}
	}
	names := make([]string, 0, len(catalogList))
	for _, info := range List() {
		names = append(names, info.Name)
	}
	for _, info := range catalog {
		if strings.EqualFold(info.Name, name) {
			return Info{}, inputErr(name, 0, "dataset %q is not embedded in this build; available: %s", name, strings.Join(names, ", "))
		}
	}
	return Info{}, inputErr(name, 0, "no embedded dataset %q; available: %s", name, strings.Join(names, ", "))
}

// Source returns the source note (Markdown) of an embedded dataset: origin,
// citation, licence, what the data are and their columns; for simulated data
// the parameters and seed.
func Source(name string) (string, error) {
	info, err := Lookup(name)
	if err != nil {
		return "", err
	}
	b, err := fs.ReadFile(embedded, "data/"+info.Name+".md")
	if err != nil {
		return "", inputErr(name, 0, "dataset %q has no source note", info.Name)
	}
	return string(b), nil
}

// Open returns the CSV text of an embedded dataset.
func Open(name string) (io.Reader, error) {
	info, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	b, err := embedded.ReadFile("data/" + info.Name + ".csv")
	if err != nil {
		return nil, err
	}
	return bytes.NewReader(b), nil
}

// ReadEmbedded reads an embedded dataset into a Table named "<name>.csv".
func ReadEmbedded(name string, opt ReadOptions) (*Table, error) {
	info, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	b, err := embedded.ReadFile("data/" + info.Name + ".csv")
	if err != nil {
		return nil, err
	}
	return ReadBytes(info.Name+".csv", b, opt) // b is a fresh copy

}

// EmbeddedStudies loads an embedded dataset of kind "studies" as a validated
// study table, using the dataset's column roles.
func EmbeddedStudies(name string, opt StudyOptions) (*Studies, error) {
	info, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	if info.Kind != KindStudies {
		return nil, inputErr(name, 0, "dataset %q is of kind %s, not studies", info.Name, info.Kind)
	}
	t, err := ReadEmbedded(info.Name, ReadOptions{})
	if err != nil {
		return nil, err
	}
	return t.Studies(info.StudyColumns, opt)
}

// EmbeddedSessions loads an embedded dataset of kind "sessions",
// "sessions-wide" or "waves" as a validated long session table, using the
// dataset's column roles and layout.
func EmbeddedSessions(name string) (*Sessions, error) {
	info, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	switch info.Kind {
	case KindSessions, KindSessionsWide, KindWaves:
	default:
		return nil, inputErr(name, 0, "dataset %q is of kind %s, not a session table", info.Name, info.Kind)
	}
	t, err := ReadEmbedded(info.Name, ReadOptions{})
	if err != nil {
		return nil, err
	}
	return t.Sessions(info.SessionColumns, SessionOptions{Wide: info.Wide})
}
