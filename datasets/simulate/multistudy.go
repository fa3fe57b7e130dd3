package simulate

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/alliance-research/alliance/analysis/errs"
)

// domainMultiStudy separates the stream of the study-level within effects
// from every other stream.
const domainMultiStudy = 0x1bd0_5e55_5707_d1e5

// MultiStudyHeader is the header line of the multi-study sessions CSV.
const MultiStudyHeader = "study," + SessionsHeader

// StudyTruthHeader is the header line of the per-study truth CSV.
const StudyTruthHeader = "study,seed,within_effect"

// StudyTruth is the planted truth of one study of a multi-study run.
type StudyTruth struct {
	Study        string  `json:"study"`
	Seed         int64   `json:"seed"`
	WithinEffect float64 `json:"within_effect"`
}

// MultiStudySummary sums a multi-study run: the studies' truth and the
// totals over studies.
type MultiStudySummary struct {
	Studies []StudyTruth   `json:"studies"`
	Total   SessionSummary `json:"total"`
}

// StudyName is the name of study s (1-based) of a run of k studies:
// S1…S9, or zero-padded (S01…S50) so that names sort in study order.
func StudyName(s, k int) string {
	w := len(strconv.Itoa(k))
	return fmt.Sprintf("S%0*d", w, s)
}

// DefaultStudySD is the between-study SD of the within-patient effect
// when none is given (symptom points per alliance point).
const DefaultStudySD = 0.3

// CheckMultiStudy refuses fewer than 1 study and a between-study SD that
// is negative or not finite, as an errs.InvalidOption with hint "studies"
// or "study-sd".
func CheckMultiStudy(k int, studySD float64) error {
	if k < 1 {
		return errs.New(errs.InvalidOption, "simulate", "%d studies: give at least 1", k).WithHint("studies")
	}
	if !(studySD >= 0) || math.IsInf(studySD, 0) {
		return errs.New(errs.InvalidOption, "simulate", "between-study SD %v: give a finite SD ≥ 0", studySD).WithHint("study-sd")
	}
	return nil
}

// MultiStudy simulates k studies for an individual-participant-data
// meta-analysis: study s (1-based) is the session simulation of p (see
// Sessions) with its own seed (derived from p.Seed and s, so that each
// study's patients are independent) and its own within-patient effect
//
//	WithinEffect_s = p.WithinEffect + studySD·z_s,  z_s ~ N(0, 1),
//
// the planted between-study heterogeneity of the lagged within-patient
// alliance effect (between-study SD studySD, symptom points per alliance
// point). Every other parameter is p's in every study. fn is called with
// each study's truth before its patients, then with each patient.
func MultiStudy(p SessionParams, k int, studySD float64, study func(StudyTruth) error, fn func(*Patient) error) (MultiStudySummary, error) {
	var sum MultiStudySummary
	if err := p.Validate(); err != nil {
		return sum, err
	}
	if err := CheckMultiStudy(k, studySD); err != nil {
		return sum, err
	}
	var r rng
	r.seed(p.Seed, domainMultiStudy, 0)
	for s := 1; s <= k; s++ {
		ps := p
		ps.Seed = int64(splitMix64(uint64(p.Seed)^domainMultiStudy) + uint64(s))
		ps.WithinEffect = p.WithinEffect + studySD*r.normal()
		t := StudyTruth{Study: StudyName(s, k), Seed: ps.Seed, WithinEffect: ps.WithinEffect}
		if err := study(t); err != nil {
			return sum, err
		}
		ss, err := Sessions(ps, fn)
		if err != nil {
			return sum, err
		}
		sum.Studies = append(sum.Studies, t)
		sum.Total.Patients += ss.Patients
		sum.Total.Therapists += ss.Therapists
		sum.Total.Rows += ss.Rows
		sum.Total.Missing += ss.Missing
		sum.Total.Repaired += ss.Repaired
		sum.Total.Unrepaired += ss.Unrepaired
	}
	return sum, nil
}

// WriteMultiStudyCSV writes MultiStudy's sessions as long CSV (header
// [MultiStudyHeader]: a study column, then the columns of
// WriteSessionsCSV; patient and therapist numbers restart in each study),
// and, if truth is not nil, each study's planted within effect (header
// [StudyTruthHeader], 6 decimals).
func WriteMultiStudyCSV(w io.Writer, p SessionParams, k int, studySD float64, truth io.Writer) (MultiStudySummary, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	var tw *bufio.Writer
	if truth != nil {
		tw = bufio.NewWriterSize(truth, 4<<10)
		tw.WriteString(StudyTruthHeader + "\n")
	}
	bw.WriteString(MultiStudyHeader + "\n")
	buf := make([]byte, 0, 128)
	var prefix []byte
	sum, err := MultiStudy(p, k, studySD, func(t StudyTruth) error {
		prefix = append(append(prefix[:0], t.Study...), ',')
		if tw != nil {
			_, err := fmt.Fprintf(tw, "%s,%d,%.6f\n", t.Study, t.Seed, t.WithinEffect)
			return err
		}
		return nil
	}, func(pt *Patient) error {
		for _, row := range pt.Rows {
			buf = appendRow(append(buf[:0], prefix...), row)
			if _, err := bw.Write(buf); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return sum, err
	}
	return sum, flushCSV(bw, tw)
}
