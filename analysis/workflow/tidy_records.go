package workflow

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// Records returns t as text records, the header first: one record per
// element of t.Rows, one column per scalar field named by its JSON field
// name (fields of embedded structs included, nested lists and structs left
// out), numbers with up to 15 significant digits (no float noise such as
// 0.30000000000000004), missing values (nil, NaN, ±Inf) empty.
func (t TidyTable) Records() ([][]string, error) {
	v := reflect.ValueOf(t.Rows)
	if v.Kind() != reflect.Slice {
		return nil, fmt.Errorf("table %s: not a list", t.Name)
	}
	et := v.Type().Elem()
	for et.Kind() == reflect.Pointer {
		et = et.Elem()
	}
	if et.Kind() != reflect.Struct {
		return nil, fmt.Errorf("table %s: rows are not records", t.Name)
	}
	var names []string
	var index [][]int
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
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
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
				names, index = append(names, name), append(index, idx)
			}
		}
	}
	walk(et, nil)
	out := [][]string{names}
	for i := 0; i < v.Len(); i++ {
		e := v.Index(i)
		for e.Kind() == reflect.Pointer {
			e = e.Elem()
		}
		rec := make([]string, len(index))
		for j, idx := range index {
			rec[j] = tidyCell(e.FieldByIndex(idx))
		}
		out = append(out, rec)
	}
	return out, nil
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
