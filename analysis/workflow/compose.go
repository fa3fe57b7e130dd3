package workflow

import (
	"fmt"
	"strconv"
	"strings"
)

// ComposeOptions are the choices of a composed document that no Part
// makes: its title page and the notes of the front end.
type ComposeOptions struct {
	// Title (default "Alliance–outcome report"), Author and Date (both
	// optional: without a date the output carries no time stamp) and the
	// alliance Version named in the subtitle and the methods.
	Title, Author, Date, Version string
	// Notes are shown first, before every Part's TopNotes (e.g. the
	// sections left out on request).
	Notes []Note
}

// DefaultTitle is the title of a composed document without one.
const DefaultTitle = "Alliance–outcome report"

// Packager is implemented by a Part whose numbers reproduce those of R
// packages: it names them, for the methods paragraph.
type Packager interface{ Packages() []string }

// Compose assembles Parts into one document: the title with author, date
// and version; a warning when any part's data are simulated; the notes
// (opt.Notes, then every part's TopNotes) before any result; the data
// section from the parts' Data() (parts that read the same source share
// one subsection); each part's Section in order; the methods section from
// the parts' Methods() alone, closing with the R packages the parts
// reproduce; the references cited by the parts (Document.Citations, listed
// in the section with ID "references", which has no blocks of its own);
// and the reproducibility section from the parts' Steps().
func Compose(opt ComposeOptions, parts ...Part) *Document {
	version := opt.Version
	if version == "" {
		version = "dev"
	}
	d := &Document{Title: opt.Title}
	if d.Title == "" {
		d.Title = DefaultTitle
	}
	if opt.Author != "" {
		d.Subtitle = append(d.Subtitle, opt.Author)
	}
	data := mergeData(parts)
	var names []string
	for _, p := range data {
		names = append(names, p.Source.Label())
	}
	if len(names) > 0 {
		d.Subtitle = append(d.Subtitle, "Data: "+strings.Join(names, " and "))
	}
	d.Subtitle = append(d.Subtitle, "alliance "+version)
	if opt.Date != "" {
		d.Subtitle = append(d.Subtitle, opt.Date)
	}
	d.Warning = simulatedWarning(data)
	if d.Simulated = d.Warning != ""; d.Simulated {
		d.WarningLabel = SimulatedLabel
	}
	d.Notes = append(d.Notes, opt.Notes...)
	for _, p := range parts {
		d.Notes = append(d.Notes, p.TopNotes()...)
	}
	if len(data) > 0 {
		d.Sections = append(d.Sections, dataSection(data))
	}
	var cites []string
	for _, p := range parts {
		if s := p.Section(); s != nil {
			d.Sections = append(d.Sections, s)
		}
		cites = append(cites, p.Cites()...)
	}
	d.Sections = append(d.Sections, methodsSection(version, parts))
	var unknown []string
	d.Citations, unknown = Citations(cites...)
	if len(unknown) > 0 {
		d.Notes = append(d.Notes, Note{Level: Warning, Text: "references missing from the reference list: " + strings.Join(unknown, ", ")})
	}
	if len(d.Citations) > 0 {
		d.Sections = append(d.Sections, &Section{ID: "references", Title: "References"})
	}
	if s := reproSection(parts); s != nil {
		d.Sections = append(d.Sections, s)
	}
	return d
}

// mergeData returns the parts' data accounting, one entry per source and
// kind: roles and counts of parts that read the same table are merged
// (the first part's value of a role or count wins), rows left out listed
// by analysis.
func mergeData(parts []Part) []*DataPart {
	var out []*DataPart
	byKey := map[string]*DataPart{}
	for _, p := range parts {
		dp := p.Data()
		if dp == nil {
			continue
		}
		key := dp.Kind + "\x00" + dp.Source.Name
		m := byKey[key]
		if m == nil {
			m = &DataPart{Kind: dp.Kind, Source: dp.Source, Roles: map[string]string{}, Counts: map[string]int{}}
			byKey[key] = m
			out = append(out, m)
		}
		for k, v := range dp.Roles {
			if _, ok := m.Roles[k]; !ok {
				m.Roles[k] = v
			}
		}
		for k, v := range dp.Counts {
			if _, ok := m.Counts[k]; !ok {
				m.Counts[k] = v
			}
		}
		m.Dropped = append(m.Dropped, dp.Dropped...)
	}
	return out
}

// SimulatedLabel heads the warning of a document on simulated data.
const SimulatedLabel = "SIMULATED DATA"

// simulatedWarning is the document's warning when some data are
// simulated: SimulatedLabel, the sources and what that means.
func simulatedWarning(data []*DataPart) string {
	var sim []string
	for _, p := range data {
		if p.Source.Simulated {
			sim = append(sim, p.Source.Name)
		}
	}
	if len(sim) == 0 {
		return ""
	}
	verb := "is"
	if len(sim) > 1 {
		verb = "are"
	}
	return SimulatedLabel + " — " + strings.Join(sim, " and ") + " " + verb +
		" made by a random-number generator to demonstrate the analyses. No study, patient or therapist behind these numbers exists; do not cite them as evidence about psychotherapy."
}

// dataSection says what was read: per table its source, the columns used
// in each role, the counts and the rows left out with the reason.
func dataSection(data []*DataPart) *Section {
	s := &Section{ID: "data", Title: "The data"}
	for i, p := range data {
		src := p.Source
		kind := p.Kind
		if kind == "" {
			kind = "input"
		}
		what := "the file " + src.Name
		if src.Embedded {
			what = "the embedded dataset " + src.Name
			if src.Title != "" {
				what += " (" + src.Title + ")"
			}
		}
		sim := ""
		if src.Simulated {
			sim = " These data are SIMULATED."
		}
		s.H("data-"+strconv.Itoa(i+1), capitalise(kind)+" data")
		s.P(Plain, fmt.Sprintf("Read %s: %d rows, %d columns (%s).%s", what, src.Rows, len(src.Columns), strings.Join(src.Columns, ", "), sim))
		if src.Citation != "" {
			s.P(NoteText, "Source: "+src.Citation)
		}
		t := &Table{Name: "data-roles-" + kind, Title: "Columns used (" + kind + " data)", Columns: []string{"Role", "Column"}, Right: []bool{false, false}}
		for _, k := range sortedKeys(p.Roles) {
			t.Rows = append(t.Rows, []string{k, p.Roles[k]})
		}
		var counts []string
		for _, k := range sortedKeys(p.Counts) {
			counts = append(counts, fmt.Sprintf("%s: %d", k, p.Counts[k]))
		}
		if len(counts) > 0 {
			t.Notes = append(t.Notes, "Counts — "+strings.Join(counts, "; ")+".")
		}
		s.Add(t)
		if len(p.Dropped) == 0 {
			s.P(Plain, "No rows were left out: every row passed validation and entered every analysis.")
			continue
		}
		dt := &Table{Name: "data-dropped-" + kind, Title: "Rows left out of analyses (" + kind + " data)", Columns: []string{"Analysis", "Left out", "Reason"}, Right: []bool{false, true, false}}
		for _, x := range p.Dropped {
			dt.Rows = append(dt.Rows, []string{x.Analysis, strconv.Itoa(x.N) + " " + x.Unit, x.Reason})
		}
		dt.Notes = append(dt.Notes, "Every row passed validation (a file is refused with the line and column of its first problems otherwise); rows are left out of an analysis only for the reasons given.")
		s.Add(dt)
	}
	return s
}

// methodsSection is built from the parts' Methods() alone, closing with
// one sentence naming alliance's version and the R packages the parts
// reproduce (only those).
func methodsSection(version string, parts []Part) *Section {
	s := &Section{ID: "methods", Title: "Methods (to adapt)"}
	s.P(NoteText, "A paragraph to adapt for the methods section of a paper or thesis. Check every statement against what you did; the citations are in the reference list.")
	var pkgs []string
	seen := map[string]bool{}
	for _, p := range parts {
		s.P(Methods, strings.TrimSpace(p.Methods()))
		if pk, ok := p.(Packager); ok {
			for _, x := range pk.Packages() {
				if !seen[x] {
					seen[x] = true
					pkgs = append(pkgs, x)
				}
			}
		}
	}
	close := "The analyses were run with alliance " + version + "."
	if len(pkgs) > 0 {
		close = "The analyses were run with alliance " + version + ", whose estimates reproduce those of the R " + plural(len(pkgs), "package ", "packages ") + andList(citedPackages(pkgs, parts)) + "."
	}
	s.P(Methods, close)
	return s
}

// packageCitations are the in-text citations of the R packages whose
// papers are in the reference list (refs.go).
var packageCitations = map[string]struct{ key, text string }{
	"metafor":  {"viechtbauer2010", "Viechtbauer, 2010"},
	"lavaan":   {"rosseel2012", "Rosseel, 2012"},
	"lme4":     {"bates2015", "Bates et al., 2015"},
	"lmerTest": {"kuznetsova2017", "Kuznetsova et al., 2017"},
}

// citedPackages writes each package with its paper's in-text citation,
// "metafor (Viechtbauer, 2010)", when some part cites that paper, so that
// every entry of the reference list is cited in the text.
func citedPackages(pkgs []string, parts []Part) []string {
	cited := map[string]bool{}
	for _, p := range parts {
		for _, k := range p.Cites() {
			cited[k] = true
		}
	}
	out := make([]string, len(pkgs))
	for i, p := range pkgs {
		out[i] = p
		if c, ok := packageCitations[p]; ok && cited[c.key] {
			out[i] = p + " (" + c.text + ")"
		}
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// andList joins items as "a", "a and b" or "a, b and c".
func andList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// reproSection lists the parts' command lines in one shell block and each
// step's R code with its purpose; nil when no part has a step.
func reproSection(parts []Part) *Section {
	var steps []Step
	for _, p := range parts {
		steps = append(steps, p.Steps()...)
	}
	if len(steps) == 0 {
		return nil
	}
	s := &Section{ID: "reproduce", Title: "Reproducibility"}
	s.P(Plain, "Every number of this document is in results.json beside it. The command lines below recompute them; the R code fits the same models with the reference packages, so that a reviewer can check the numbers.")
	var sh strings.Builder
	for _, st := range steps {
		if st.Command != "" {
			fmt.Fprintf(&sh, "# %s\n%s\n", st.Purpose, st.Command)
		}
	}
	if sh.Len() > 0 {
		s.H("reproduce-commands", "alliance command lines")
		s.Add(&Code{Lang: "shell", Text: sh.String()})
	}
	first := true
	for _, st := range steps {
		if st.RCode == "" {
			continue
		}
		if first {
			s.H("reproduce-r", "Equivalent R code")
			first = false
		}
		s.P(Plain, capitalise(st.Purpose)+":")
		s.Add(&Code{Lang: "R", Text: st.RCode})
	}
	return s
}

// Packages names the R packages whose results the session model
// reproduces.
func (r *SessionsRun) Packages() []string { return []string{"lme4", "lmerTest"} }

// Packages names the R package whose rupture session-level model this part
// reproduces (none without that model).
func (r *RupturesRun) Packages() []string {
	if r.SessionModel != nil {
		return []string{"lme4", "lmerTest"}
	}
	return nil
}

// Packages names the R package whose sudden gains this part reproduces.
func (r *GainsRun) Packages() []string { return []string{"suddengains"} }

// Packages names the R package whose classification this part reproduces.
func (r *ChangeRun) Packages() []string { return []string{"clinicalsignificance"} }
