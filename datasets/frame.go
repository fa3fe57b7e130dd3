package datasets

import (
	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
)

// DataFrame returns the validated study table as a gota DataFrame built from
// the typed columns (gota never guesses a type): the label column (named as
// in the file, or "study"), the numeric role columns present, the moderators
// (float or string) and the cluster ids (string). Missing moderator values are
// NaN (numeric) or "" (text).
func (s *Studies) DataFrame() dataframe.DataFrame {
	var cols []series.Series
	used := map[string]bool{}
	add := func(x series.Series) {
		if used[x.Name] {
			return
		}
		used[x.Name] = true
		cols = append(cols, x)
	}
	add(series.New(s.Label, series.String, or(s.Columns.Label, "study")))
	for _, c := range []struct {
		name string
		v    []float64
	}{{s.Columns.R, s.R}, {s.Columns.N, s.N}, {s.Columns.Yi, s.Yi}, {s.Columns.Vi, s.Vi}, {s.Columns.Sei, s.Sei}} {
		if c.v != nil {
			add(series.New(c.v, series.Float, c.name))
		}
	}
	for _, v := range s.Mods {
		add(varSeries(v))
	}
	for _, v := range s.Cluster {
		add(varSeries(v))
	}
	return dataframe.New(cols...)
}

// DataFrame returns the validated session table (long format) as a gota
// DataFrame built from the typed columns: patient and therapist ids
// (string), session (int), alliance and outcome (float, NaN = missing) and
// the extra columns, named as in the file (or "patient", "session", ...).
func (s *Sessions) DataFrame() dataframe.DataFrame {
	var cols []series.Series
	used := map[string]bool{}
	add := func(x series.Series) {
		if used[x.Name] {
			return
		}
		used[x.Name] = true
		cols = append(cols, x)
	}
	add(series.New(s.Patient.Strings(), series.String, or(s.Columns.Patient, "patient")))
	if s.Therapist.Codes != nil {
		add(series.New(s.Therapist.Strings(), series.String, or(s.Columns.Therapist, "therapist")))
	}
	add(series.New(s.Session, series.Int, or(s.Columns.Session, "session")))
	if s.Alliance != nil {
		add(series.New(s.Alliance, series.Float, or(s.Columns.Alliance, "alliance")))
	}
	if s.Outcome != nil {
		add(series.New(s.Outcome, series.Float, or(s.Columns.Outcome, "outcome")))
	}
	for _, v := range s.Extra {
		add(varSeries(v))
	}
	return dataframe.New(cols...)
}

func varSeries(v Var) series.Series {
	if v.Numeric {
		return series.New(v.Num, series.Float, v.Name)
	}
	return series.New(v.Text, series.String, v.Name)
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
