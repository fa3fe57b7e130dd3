package simulate

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
)

// SessionsHeader is the header line of the sessions CSV.
const SessionsHeader = "patient,therapist,session,alliance,outcome"

// TruthHeader is the header line of the per-patient truth CSV.
const TruthHeader = "patient,therapist,sessions,observed,class,rupture_session,repair_sessions,therapist_effect,patient_effect"

// WriteSessionsCSV simulates p and writes the observed sessions as long-format
// CSV (header [SessionsHeader], "\n" line ends, alliance with 2 decimals) to w,
// streaming patient by patient in bounded memory. If truth is not nil, the
// planted per-patient truth is written to it as CSV (header [TruthHeader];
// effects with 6 decimals). The truth is never part of the sessions CSV.
//
// Nothing is written when p is invalid. Writes are buffered; a write error
// stops the run and is returned.
func WriteSessionsCSV(w io.Writer, p SessionParams, truth io.Writer) (SessionSummary, error) {
	if err := p.Validate(); err != nil {
		return SessionSummary{}, err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var tw *bufio.Writer
	if truth != nil {
		tw = bufio.NewWriterSize(truth, 16<<10)
		tw.WriteString(TruthHeader + "\n")
	}
	bw.WriteString(SessionsHeader + "\n")
	buf := make([]byte, 0, 128)
	sum, err := Sessions(p, func(pt *Patient) error {
		for _, row := range pt.Rows {
			buf = appendRow(buf[:0], row)
			if _, err := bw.Write(buf); err != nil {
				return err
			}
		}
		if tw != nil {
			buf = appendTruth(buf[:0], &pt.PatientTruth)
			if _, err := tw.Write(buf); err != nil {
				return fmt.Errorf("writing truth: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return sum, err
	}
	return sum, flushCSV(bw, tw)
}

// flushCSV flushes the data writer and, when not nil, the truth writer of
// a simulation, naming which failed.
func flushCSV(data, truth *bufio.Writer) error {
	if err := data.Flush(); err != nil {
		return fmt.Errorf("simulate: writing sessions CSV: %w", err)
	}
	if truth != nil {
		if err := truth.Flush(); err != nil {
			return fmt.Errorf("simulate: writing truth CSV: %w", err)
		}
	}
	return nil
}

// appendRow appends one sessions CSV line.
func appendRow(b []byte, r Row) []byte {
	b = strconv.AppendInt(b, int64(r.Patient), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Therapist), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Session), 10)
	b = append(b, ',')
	b = appendHundredths(b, r.Alliance)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(r.Outcome), 10)
	return append(b, '\n')
}

// appendHundredths appends v ≥ 0 with exactly two decimals; for values
// already rounded to hundredths it equals strconv.AppendFloat(b, v, 'f', 2,
// 64), at a fraction of the cost.
func appendHundredths(b []byte, v float64) []byte {
	n := int64(math.Round(v * 100))
	b = strconv.AppendInt(b, n/100, 10)
	return append(b, '.', byte('0'+n%100/10), byte('0'+n%10))
}

// appendTruth appends one truth CSV line.
func appendTruth(b []byte, t *PatientTruth) []byte {
	for _, v := range []int{t.Patient, t.Therapist, t.Sessions, t.Observed} {
		b = strconv.AppendInt(b, int64(v), 10)
		b = append(b, ',')
	}
	b = append(b, t.Class.String()...)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(t.RuptureSession), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(t.RepairSessions), 10)
	b = append(b, ',')
	b = strconv.AppendFloat(b, t.TherapistEffect, 'f', 6, 64)
	b = append(b, ',')
	b = strconv.AppendFloat(b, t.PatientEffect, 'f', 6, 64)
	return append(b, '\n')
}
