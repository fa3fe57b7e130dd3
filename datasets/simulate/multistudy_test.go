package simulate

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
)

// The planted study effects are p.WithinEffect + studySD·z: over many
// studies their mean and SD match (4 standard errors), each study's seed
// differs, and with studySD = 0 every study has p.WithinEffect exactly.
func TestMultiStudyEffects(t *testing.T) {
	p := DefaultSessionParams()
	p.Patients, p.Therapists, p.MinSessions, p.MaxSessions = 1, 1, 6, 6
	const k, sd = 4000, 0.3
	sum, err := MultiStudy(p, k, sd, func(StudyTruth) error { return nil }, func(*Patient) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	var m, ss float64
	seeds := map[int64]bool{}
	for _, s := range sum.Studies {
		m += s.WithinEffect
		seeds[s.Seed] = true
	}
	m /= k
	for _, s := range sum.Studies {
		ss += (s.WithinEffect - m) * (s.WithinEffect - m)
	}
	got := math.Sqrt(ss / (k - 1))
	if math.Abs(m-p.WithinEffect) > 4*sd/math.Sqrt(k) || math.Abs(got-sd) > 4*sd/math.Sqrt(2*k) || len(seeds) != k {
		t.Errorf("mean %v (want %v), SD %v (want %v), %d distinct seeds", m, p.WithinEffect, got, sd, len(seeds))
	}
	sum0, err := MultiStudy(p, 3, 0, func(StudyTruth) error { return nil }, func(*Patient) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sum0.Studies {
		if s.WithinEffect != p.WithinEffect {
			t.Errorf("study SD 0: %s has %v", s.Study, s.WithinEffect)
		}
	}
	if _, err := MultiStudy(p, 0, sd, nil, nil); err == nil {
		t.Error("0 studies accepted")
	}
	if _, err := MultiStudy(p, 2, math.NaN(), nil, nil); err == nil {
		t.Error("NaN SD accepted")
	}
}

// The CSV has a study column first; each study's rows are exactly the
// single-study simulation with that study's seed and within effect, and
// the same seed writes the same bytes.
func TestWriteMultiStudyCSV(t *testing.T) {
	p := DefaultSessionParams()
	p.Patients, p.Therapists = 12, 3
	var a, b, truth bytes.Buffer
	sum, err := WriteMultiStudyCSV(&a, p, 3, 0.5, &truth)
	if err != nil {
		t.Fatal(err)
	}
	if _, err = WriteMultiStudyCSV(&b, p, 3, 0.5, nil); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatalf("not deterministic (err %v)", err)
	}
	recs, err := csv.NewReader(&a).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != MultiStudyHeader {
		t.Fatalf("header %v", recs[0])
	}
	tr, err := csv.NewReader(&truth).ReadAll()
	if err != nil || len(tr) != 4 || strings.Join(tr[0], ",") != StudyTruthHeader {
		t.Fatalf("truth %v %v", tr, err)
	}
	for _, st := range sum.Studies {
		ps := p
		ps.Seed, ps.WithinEffect = st.Seed, st.WithinEffect
		var one bytes.Buffer
		if _, err := WriteSessionsCSV(&one, ps, nil); err != nil {
			t.Fatal(err)
		}
		var mine bytes.Buffer
		mine.WriteString(SessionsHeader + "\n")
		for _, r := range recs[1:] {
			if r[0] == st.Study {
				mine.WriteString(strings.Join(r[1:], ",") + "\n")
			}
		}
		if mine.String() != one.String() {
			t.Errorf("%s: rows differ from the single-study simulation", st.Study)
		}
	}
	if StudyName(7, 50) != "S07" || StudyName(3, 9) != "S3" {
		t.Errorf("names %s %s", StudyName(7, 50), StudyName(3, 9))
	}
}

// TestCheckMultiStudy: fewer than one study and a negative or infinite
// between-study SD are invalid options naming the setting; the default SD
// passes.
func TestCheckMultiStudy(t *testing.T) {
	for _, c := range []struct {
		k    int
		sd   float64
		hint string
	}{{0, DefaultStudySD, "studies"}, {3, -0.1, "study-sd"}, {3, math.Inf(1), "study-sd"}, {3, math.NaN(), "study-sd"}} {
		var e *errs.Error
		if err := CheckMultiStudy(c.k, c.sd); !errors.As(err, &e) || e.Kind != errs.InvalidOption || e.Hint != c.hint {
			t.Errorf("%d studies, SD %v: %v", c.k, c.sd, err)
		}
	}
	if err := CheckMultiStudy(1, DefaultStudySD); err != nil {
		t.Error(err)
	}
}
