package simulate

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

// StudiesHeader is the header line of the studies CSV.
const StudiesHeader = "study,es_id,ri,ni,alliance_rater,outcome_rater,treatment,year"

// WriteStudiesCSV simulates p (see [Studies]) and writes one line per effect
// to w as CSV (header [StudiesHeader], "\n" line ends, ri with 3 decimals).
// The planted truth (StudyZ, TrueZ) is not written; use [Studies] for it.
// Nothing is written when p is invalid.
func WriteStudiesCSV(w io.Writer, p StudyParams) (StudySummary, error) {
	if err := p.Validate(); err != nil {
		return StudySummary{}, err
	}
	bw := bufio.NewWriterSize(w, 32<<10)
	bw.WriteString(StudiesHeader + "\n")
	buf := make([]byte, 0, 128)
	sum, err := Studies(p, func(s *StudyRow) error {
		b := append(buf[:0], s.Label...)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(s.ESID), 10)
		b = append(b, ',')
		b = strconv.AppendFloat(b, s.R, 'f', 3, 64)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(s.N), 10)
		b = append(b, ',')
		b = append(b, s.AllianceRater...)
		b = append(b, ',')
		b = append(b, s.OutcomeRater...)
		b = append(b, ',')
		b = append(b, s.Treatment...)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(s.Year), 10)
		b = append(b, '\n')
		buf = b
		_, err := bw.Write(b)
		return err
	})
	if err != nil {
		return sum, err
	}
	if err := bw.Flush(); err != nil {
		return sum, fmt.Errorf("simulate: writing studies CSV: %w", err)
	}
	return sum, nil
}
