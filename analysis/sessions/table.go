package sessions

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
)

// Column is one numeric column of a Table; NaN marks a missing value.
type Column struct {
	Name   string
	Values []float64
}

// Table is a session table with the derived columns, one row per input row
// and in input order. Patient, Therapist (nil without therapists) and
// Session are copied from the input; Columns follow in the order of the
// list in Derive's documentation.
type Table struct {
	Patient   []string
	Therapist []string
	Session   []int
	Columns   []Column
}

// Len returns the number of rows.
func (t *Table) Len() int { return len(t.Session) }

// Column returns the values of the named numeric column ("session" included),
// or nil when the table has no such column.
func (t *Table) Column(name string) []float64 {
	for _, c := range t.Columns {
		if c.Name == name {
			return c.Values
		}
	}
	if name == "session" {
		s := make([]float64, len(t.Session))
		for i, v := range t.Session {
			s[i] = float64(v)
		}
		return s
	}
	return nil
}

// Names returns every column name in export order: patient, therapist (when
// present), session, then the numeric columns.
func (t *Table) Names() []string {
	names := []string{"patient"}
	if t.Therapist != nil {
		names = append(names, "therapist")
	}
	names = append(names, "session")
	for _, c := range t.Columns {
		names = append(names, c.Name)
	}
	return names
}

// WriteCSV writes the table as CSV with a header row (Names), numbers in
// the shortest form that reads back exactly, and NA for missing values (as
// R's write.csv).
func (t *Table) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Names()); err != nil {
		return fmt.Errorf("sessions: writing CSV: %w", err)
	}
	rec := make([]string, 0, len(t.Columns)+3)
	for i := range t.Session {
		rec = append(rec[:0], t.Patient[i])
		if t.Therapist != nil {
			rec = append(rec, t.Therapist[i])
		}
		rec = append(rec, strconv.Itoa(t.Session[i]))
		for _, c := range t.Columns {
			x := c.Values[i]
			if math.IsNaN(x) {
				rec = append(rec, "NA")
			} else {
				rec = append(rec, strconv.FormatFloat(x, 'g', -1, 64))
			}
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("sessions: writing CSV row %d: %w", i+1, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("sessions: writing CSV: %w", err)
	}
	return nil
}
