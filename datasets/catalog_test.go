package datasets

import (
	"io"
	"io/fs"
	"math"
	"strings"
	"testing"
)

// fileEmbedded reports whether data/<name>.csv is compiled in.
func fileEmbedded(name string) bool {
	_, err := fs.Stat(embedded, "data/"+name+".csv")
	return err == nil
}

func TestCatalogEntries(t *testing.T) {
	listed := map[string]Info{}
	for _, info := range List() {
		listed[info.Name] = info
	}
	for _, c := range catalog {
		info, ok := listed[c.Name]
		if !fileEmbedded(c.Name) {
			if ok {
				t.Errorf("%s: listed but its file is not embedded", c.Name)
			}
			if _, err := Lookup(c.Name); err == nil || !strings.Contains(err.Error(), "not embedded") {
				t.Errorf("%s: Lookup of an absent file: %v", c.Name, err)
			}
			continue
		}
		if !ok {
			t.Errorf("%s: file embedded but not listed", c.Name)
			continue
		}
		if info.Rows <= 0 || len(info.Columns) == 0 {
			t.Errorf("%s: rows %d columns %v (the file does not parse?)", c.Name, info.Rows, info.Columns)
		}
		if info.Title == "" || info.Citation == "" || info.Licence == "" {
			t.Errorf("%s: incomplete description %+v", c.Name, info)
		}
		if info.Simulated != strings.HasPrefix(info.Name, "demo-") {
			t.Errorf("%s: simulated = %v", c.Name, info.Simulated)
		}
		if info.Simulated && !strings.Contains(info.Title, "SIMULATED") {
			t.Errorf("%s: a simulated dataset must say so in its title", c.Name)
		}
		src, err := Source(c.Name)
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
		}
		// The note names the licence and documents every column.
		if !strings.Contains(strings.ToLower(src), "licen") {
			t.Errorf("%s: source note without a licence", c.Name)
		}
		for _, col := range info.Columns {
			// Numbered columns may be documented as a range (bdi_s0 … bdi_s12).
			if !strings.Contains(src, col) && !strings.Contains(src, strings.TrimRight(col, "0123456789")+"0") {
				t.Errorf("%s: source note does not document column %q", c.Name, col)
			}
		}
		// Each dataset loads through the strict loader as its kind.
		switch info.Kind {
		case KindStudies:
			s, e := EmbeddedStudies(c.Name, StudyOptions{FisherZ: info.StudyColumns.Yi == ""})
			if e != nil {
				t.Errorf("%s: %v", c.Name, e)
			} else if s.K() != info.Rows {
				t.Errorf("%s: %d studies, %d rows", c.Name, s.K(), info.Rows)
			}
		case KindSessions, KindSessionsWide, KindWaves:
			s, e := EmbeddedSessions(c.Name)
			if e != nil {
				t.Errorf("%s: %v", c.Name, e)
			} else if s.Len() == 0 {
				t.Errorf("%s: no sessions", c.Name)
			}
		case KindPrePost:
			if _, e := ReadEmbedded(c.Name, ReadOptions{}); e != nil {
				t.Errorf("%s: %v", c.Name, e)
			}
		default:
			t.Errorf("%s: unknown kind %q", c.Name, info.Kind)
		}
		r, err := Open(c.Name)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		if !strings.HasPrefix(string(b), strings.Join(quoteIf(info.Columns, b[0] == '"'), ",")) {
			t.Errorf("%s: Open does not return the CSV text", c.Name)
		}
	}
	// The two simulated demo sets are in the catalog once the simulator has written them.
	for _, name := range []string{"demo-sessions", "demo-studies"} {
		if fileEmbedded(name) {
			if _, ok := listed[name]; !ok {
				t.Errorf("%s not listed", name)
			}
		}
	}
	if _, err := Lookup("molloy"); err == nil || !strings.Contains(err.Error(), "available: ") || !strings.Contains(err.Error(), "molloy2014") {
		t.Errorf("Lookup of an unknown name: %v", err)
	}
}

func quoteIf(s []string, q bool) []string {
	if !q {
		return s
	}
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = `"` + x + `"`
	}
	return out
}

// Values below are read off the original metadat/suddengains/
// clinicalsignificance files (first and last rows, counts in their SOURCE notes).
func TestEmbeddedContents(t *testing.T) {
	s, err := EmbeddedStudies("molloy2014", StudyOptions{FisherZ: true})
	if err != nil {
		t.Fatal(err)
	}
	if s.K() != 16 || s.Label[0] != "Axelsson et al." || s.R[0] != 0.187 || s.N[0] != 109 || s.R[2] != 0.34 || s.N[2] != 55 {
		t.Errorf("molloy2014: k %d, first %q r %v n %v", s.K(), s.Label[0], s.R[0], s.N[0])
	}
	total := 0.0
	for _, n := range s.N {
		total += n
	}
	if total != 3509 { // sum(dat.molloy2014$ni) in R with metadat 1.2-0
		t.Errorf("molloy2014: total N %v, want 3509", total)
	}

	tab, err := ReadEmbedded("mcdaniel1994", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s, err = tab.Studies(StudyColumns{Mods: []string{"type", "struct"}}, StudyOptions{FisherZ: true})
	if err != nil {
		t.Fatal(err)
	}
	nType, nStruct := 0, 0
	for i := range s.Label {
		if !s.Mods[0].Missing(i) {
			nType++
		}
		if !s.Mods[1].Missing(i) {
			nStruct++
		}
	}
	// metafor drops 3 rows for factor(type) (k = 157) and 15 for factor(struct) (k = 145).
	if s.K() != 160 || nType != 157 || nStruct != 145 || s.R[0] != 0 || s.N[0] != 123 || s.Mods[0].Numeric {
		t.Errorf("mcdaniel1994: k %d type %d struct %d", s.K(), nType, nStruct)
	}

	s, err = EmbeddedStudies("cohen1981", StudyOptions{FisherZ: true})
	if err != nil || s.K() != 20 || s.R[0] != 0.68 || s.N[0] != 10 || s.Label[0] != "Bolton et al. 1979" {
		t.Errorf("cohen1981: %v %+v", err, s)
	}
	s, err = EmbeddedStudies("kacker2004", StudyOptions{})
	if err != nil || s.K() != 9 || s.Yi[8] != 65.90 || s.Vi[8] != 1.8225 || s.Label[8] != "LNE" || s.R != nil {
		t.Errorf("kacker2004: %v %+v", err, s)
	}

	// sgdata: 43 cases x sessions 0..12 in long format.
	ss, err := EmbeddedSessions("sgdata")
	if err != nil {
		t.Fatal(err)
	}
	if ss.Len() != 43*13 || len(ss.Patient.Levels) != 43 || ss.Session[12] != 12 || ss.Outcome[0] != 33 || ss.Outcome[12] != 7 {
		t.Errorf("sgdata: %d rows, %d patients", ss.Len(), len(ss.Patient.Levels))
	}
	// Case 2 has bdi_s2 missing (NA), kept as NaN.
	if ss.Patient.Value(13+2) != "2" || ss.Session[13+2] != 2 || !math.IsNaN(ss.Outcome[13+2]) {
		t.Errorf("sgdata case 2 session 2: %v", ss.Outcome[13+2])
	}

	cs, err := EmbeddedSessions("claus2020")
	if err != nil {
		t.Fatal(err)
	}
	if cs.Len() != 172 || len(cs.Patient.Levels) != 43 || cs.Outcome[0] != 25 || cs.Columns.Outcome != "hamd" {
		t.Errorf("claus2020: %d rows %d patients", cs.Len(), len(cs.Patient.Levels))
	}
	jt, err := ReadEmbedded("jacobson1989", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := jt.Column("time"); jt.NumRows() != 60 || c.String(0) != "pre" || c.String(1) != "post" {
		t.Errorf("jacobson1989: %d rows", jt.NumRows())
	}

	if fileEmbedded("demo-studies") {
		s, err := EmbeddedStudies("demo-studies", StudyOptions{FisherZ: true})
		if err != nil || len(s.Cluster) != 1 || len(s.Mods) != 4 {
			t.Errorf("demo-studies: %v", err)
		}
	}
	if fileEmbedded("demo-sessions") {
		ds, err := EmbeddedSessions("demo-sessions")
		if err != nil || ds.Therapist.Codes == nil || ds.Alliance == nil || ds.Outcome == nil {
			t.Errorf("demo-sessions: %v", err)
		}
	}
}
