package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/workflow"
)

// writeTidy writes one tidy table as RFC 4180 CSV: one row per element of
// t.Rows, columns named by the elements' JSON field names (scalar fields
// only), numbers with up to 15 significant digits (no float noise such as
// 0.30000000000000004), missing values empty.
func writeTidy(w io.Writer, t workflow.TidyTable) error {
	v := reflect.ValueOf(t.Rows)
	if v.Kind() != reflect.Slice {
		return fmt.Errorf("table %s: not a list", t.Name)
	}
	et := v.Type().Elem()
	for et.Kind() == reflect.Pointer {
		et = et.Elem()
	}
	if et.Kind() != reflect.Struct {
		return fmt.Errorf("table %s: rows are not records", t.Name)
	}
	type col struct {
		name  string
		index []int
	}
	var cols []col
	var walk func(t reflect.Type, prefix []int)
	walk = func(t reflect.Type, prefix []int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			idx := append(append([]int(nil), prefix...), i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				walk(f.Type, idx)
				continue
			}
			name := strings.Split(f.Tag.Get("json"), ",")[0]
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			switch ft.Kind() {
			case reflect.Float64, reflect.Float32, reflect.Int, reflect.Int64, reflect.Int32, reflect.String, reflect.Bool:
				cols = append(cols, col{name, idx})
			}
		}
	}
	walk(et, nil)
	cw := csv.NewWriter(w)
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.name
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for i := 0; i < v.Len(); i++ {
		e := v.Index(i)
		for e.Kind() == reflect.Pointer {
			e = e.Elem()
		}
		rec := make([]string, len(cols))
		for j, c := range cols {
			rec[j] = tidyCell(e.FieldByIndex(c.index))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func tidyCell(f reflect.Value) string {
	if f.Kind() == reflect.Pointer {
		if f.IsNil() {
			return ""
		}
		f = f.Elem()
	}
	switch f.Kind() {
	case reflect.Float64, reflect.Float32:
		x := f.Float()
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return ""
		}
		return strconv.FormatFloat(x, 'g', 15, 64)
	case reflect.Int, reflect.Int64, reflect.Int32:
		return strconv.FormatInt(f.Int(), 10)
	case reflect.Bool:
		return strconv.FormatBool(f.Bool())
	}
	return f.String()
}

// renderTidy writes the named tidy table (the first when name is "").
func renderTidy(w io.Writer, tables []workflow.TidyTable, name string) error {
	var names []string
	for _, t := range tables {
		if name == "" || t.Name == name {
			return writeTidy(w, t)
		}
		names = append(names, t.Name)
	}
	return usagef("no table %q in this output (tables: %s)", name, strings.Join(names, ", "))
}
