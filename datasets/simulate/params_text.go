package simulate

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// The text form of a parameter, as ParamInfo.Value writes it, read back:
// front ends set the parameters a user types (one flag per ParamInfo.Flag)
// with SetParam.

// param returns the field of params (a pointer to SessionParams,
// StudyParams or PanelParams) that info names, or an invalid value.
func param(params any, info ParamInfo) reflect.Value {
	v := reflect.ValueOf(params)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return reflect.Value{}
	}
	return v.Elem().FieldByName(info.Name)
}

// ParamKind is the kind of text a parameter takes: "int" (a whole
// number), "float" (a number) or "numbers" (a fixed number of them,
// comma-separated); "" when params has no such parameter.
func ParamKind(params any, info ParamInfo) string {
	switch f := param(params, info); {
	case !f.IsValid():
		return ""
	case f.Kind() == reflect.Int || f.Kind() == reflect.Int64:
		return "int"
	case f.Kind() == reflect.Array:
		return "numbers"
	case f.Kind() == reflect.Float64:
		return "float"
	}
	return ""
}

// ParamText returns the parameter's current value as text (lists
// comma-separated), "" when params has no such parameter.
func ParamText(params any, info ParamInfo) string {
	f := param(params, info)
	if !f.IsValid() {
		return ""
	}
	if f.Kind() == reflect.Array {
		parts := make([]string, f.Len())
		for i := range parts {
			parts[i] = fmt.Sprint(f.Index(i).Interface())
		}
		return strings.Join(parts, ",")
	}
	return fmt.Sprint(f.Interface())
}

// SetParam sets the parameter from its text: a whole number, a number, or
// as many comma-separated numbers as the list holds. Validate checks the
// values together afterwards.
func SetParam(params any, info ParamInfo, text string) error {
	f := param(params, info)
	kind := ParamKind(params, info)
	text = strings.TrimSpace(text)
	switch kind {
	case "int":
		n, err := strconv.Atoi(text)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", text)
		}
		f.SetInt(int64(n))
		return nil
	case "float", "numbers":
		parts := []string{text}
		if kind == "numbers" {
			if parts = strings.Split(text, ","); len(parts) != f.Len() {
				return fmt.Errorf("%q: give %d comma-separated numbers", text, f.Len())
			}
		}
		for i, p := range parts {
			x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
			if err != nil {
				return fmt.Errorf("%q is not a number", strings.TrimSpace(p))
			}
			if kind == "numbers" {
				f.Index(i).SetFloat(x)
			} else {
				f.SetFloat(x)
			}
		}
		return nil
	}
	return fmt.Errorf("no parameter %s", info.Name)
}
