package main

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// writeJSON writes v as indented JSON. Unlike encoding/json it accepts NaN and
// ±Inf in float fields and writes them as null, so that an undefined quantity
// (a p-value with no test, a CI that could not be found) is explicit in the
// output instead of failing the whole run. Struct field names and the
// omitempty and "-" options of `json` tags are honoured.
func writeJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	if err := encodeJSON(&b, reflect.ValueOf(v), 0); err != nil {
		return err
	}
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}

var (
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

func encodeJSON(b *bytes.Buffer, v reflect.Value, depth int) error {
	if !v.IsValid() {
		b.WriteString("null")
		return nil
	}
	if v.Type().Implements(jsonMarshalerType) && !(v.Kind() == reflect.Pointer && v.IsNil()) {
		raw, err := v.Interface().(json.Marshaler).MarshalJSON()
		if err != nil {
			return err
		}
		var ind bytes.Buffer
		if err := json.Indent(&ind, raw, strings.Repeat("  ", depth), "  "); err != nil {
			return err
		}
		b.Write(ind.Bytes())
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("null")
			return nil
		}
		return encodeJSON(b, v.Elem(), depth)
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			b.WriteString("null")
			return nil
		}
		bits := 64
		if v.Kind() == reflect.Float32 {
			bits = 32
		}
		b.WriteString(formatJSONFloat(f, bits))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		b.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.String:
		s, _ := json.Marshal(v.String())
		b.Write(s)
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			b.WriteString("null")
			return nil
		}
		if v.Len() == 0 {
			b.WriteString("[]")
			return nil
		}
		b.WriteString("[\n")
		for i := 0; i < v.Len(); i++ {
			indent(b, depth+1)
			if err := encodeJSON(b, v.Index(i), depth+1); err != nil {
				return err
			}
			if i < v.Len()-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		indent(b, depth)
		b.WriteByte(']')
	case reflect.Map:
		if v.IsNil() {
			b.WriteString("null")
			return nil
		}
		keys := v.MapKeys()
		names := make([]string, len(keys))
		for i, k := range keys {
			if k.Kind() == reflect.String {
				names[i] = k.String()
			} else if k.Type().Implements(textMarshalerType) {
				t, err := k.Interface().(encoding.TextMarshaler).MarshalText()
				if err != nil {
					return err
				}
				names[i] = string(t)
			} else {
				names[i] = fmt.Sprint(k.Interface())
			}
		}
		idx := make([]int, len(keys))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(a, c int) bool { return names[idx[a]] < names[idx[c]] })
		if len(keys) == 0 {
			b.WriteString("{}")
			return nil
		}
		b.WriteString("{\n")
		for n, i := range idx {
			indent(b, depth+1)
			kb, _ := json.Marshal(names[i])
			b.Write(kb)
			b.WriteString(": ")
			if err := encodeJSON(b, v.MapIndex(keys[i]), depth+1); err != nil {
				return err
			}
			if n < len(idx)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		indent(b, depth)
		b.WriteByte('}')
	case reflect.Struct:
		var fields []jsonField
		collectFields(v, &fields)
		if len(fields) == 0 {
			b.WriteString("{}")
			return nil
		}
		b.WriteString("{\n")
		for n, f := range fields {
			indent(b, depth+1)
			kb, _ := json.Marshal(f.name)
			b.Write(kb)
			b.WriteString(": ")
			if err := encodeJSON(b, f.v, depth+1); err != nil {
				return err
			}
			if n < len(fields)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		indent(b, depth)
		b.WriteByte('}')
	default:
		return fmt.Errorf("json: cannot encode a %s", v.Type())
	}
	return nil
}

// jsonField is one encoded struct field.
type jsonField struct {
	name string
	v    reflect.Value
}

// collectFields appends the exported, non-omitted fields of struct v (with
// embedded structs flattened, as encoding/json does) in declaration order.
func collectFields(v reflect.Value, out *[]jsonField) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() && !sf.Anonymous {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		fv := v.Field(i)
		if sf.Anonymous && name == "" {
			ev := fv
			if ev.Kind() == reflect.Pointer {
				if ev.IsNil() {
					continue
				}
				ev = ev.Elem()
			}
			if ev.Kind() == reflect.Struct {
				collectFields(ev, out)
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		if strings.Contains(opts, "omitempty") && isEmptyValue(fv) {
			continue
		}
		*out = append(*out, jsonField{name, fv})
	}
}

func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}

// formatJSONFloat formats f as encoding/json does (shortest representation,
// exponent form for very large or small magnitudes).
func formatJSONFloat(f float64, bits int) string {
	abs := math.Abs(f)
	fmtc := byte('f')
	if abs != 0 && (bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21)) {
		fmtc = 'e'
	}
	s := strconv.FormatFloat(f, fmtc, -1, bits)
	if fmtc == 'e' {
		n := len(s)
		if n >= 4 && s[n-4] == 'e' && s[n-3] == '-' && s[n-2] == '0' {
			s = s[:n-2] + s[n-1:]
		}
	}
	return s
}

func indent(b *bytes.Buffer, depth int) {
	for i := 0; i < depth; i++ {
		b.WriteString("  ")
	}
}
