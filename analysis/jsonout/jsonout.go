package jsonout

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"reflect"
	"sort"
	"strings"
)

// Marshal encodes v as indented JSON like encoding/json, except that
// non-finite floats (NaN marks an undefined quantity in the analysis results)
// are written as null instead of failing the whole document. Field names,
// omitempty and "-" of `json` tags, embedded structs, json.Marshaler and
// encoding.TextMarshaler are honoured; map keys are sorted. HTML characters
// are not escaped.
func Marshal(v any) ([]byte, error) {
	x, err := toTree(reflect.ValueOf(v))
	if err != nil {
		return nil, err
	}
	w := indentWriter{buf: make([]byte, 0, 4096)}
	if err := w.node(x, 0); err != nil {
		return nil, err
	}
	return append(w.buf, '\n'), nil
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// orderedObject is a JSON object that keeps its field order.
type orderedObject struct {
	keys []string
	vals []any
}

func (o *orderedObject) set(k string, v any) {
	for i, kk := range o.keys {
		if kk == k {
			o.vals[i] = v
			return
		}
	}
	o.keys = append(o.keys, k)
	o.vals = append(o.vals, v)
}

func (o *orderedObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := marshalCompact(o.vals[i])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func marshalCompact(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// toTree converts v into values that encoding/json encodes as wanted.
func toTree(v reflect.Value) (any, error) {
	if !v.IsValid() {
		return nil, nil
	}
	t := v.Type()
	if t.Implements(jsonMarshaler) && !(v.Kind() == reflect.Pointer && v.IsNil()) {
		raw, err := v.Interface().(json.Marshaler).MarshalJSON()
		if err != nil {
			return nil, err
		}
		return json.RawMessage(raw), nil
	}
	if t.Kind() != reflect.String && t.Implements(textMarshaler) && !(v.Kind() == reflect.Pointer && v.IsNil()) {
		s, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			return nil, err
		}
		return string(s), nil
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil, nil
		}
		return toTree(v.Elem())
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, nil
		}
		if v.Kind() == reflect.Float32 {
			return float32(f), nil // encoding/json's own float32 formatting
		}
		return f, nil // finite: encoding/json's own (shortest, ES6-style) formatting
	case reflect.Bool:
		return v.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint(), nil
	case reflect.String:
		return v.String(), nil
	case reflect.Slice:
		if v.IsNil() {
			return nil, nil
		}
		fallthrough
	case reflect.Array:
		out := make([]any, v.Len())
		for i := range out {
			x, err := toTree(v.Index(i))
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case reflect.Map:
		if v.IsNil() {
			return nil, nil
		}
		keys := v.MapKeys()
		names := make([]string, len(keys))
		for i, k := range keys {
			names[i] = fmt.Sprint(k.Interface())
		}
		idx := make([]int, len(keys))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(a, b int) bool { return names[idx[a]] < names[idx[b]] })
		o := &orderedObject{}
		for _, i := range idx {
			x, err := toTree(v.MapIndex(keys[i]))
			if err != nil {
				return nil, err
			}
			o.set(names[i], x)
		}
		return o, nil
	case reflect.Struct:
		o := &orderedObject{}
		if err := addFields(o, v); err != nil {
			return nil, err
		}
		return o, nil
	}
	return nil, fmt.Errorf("report: cannot encode %s as JSON", t)
}

// addFields adds the fields of struct v to o; embedded structs without a tag
// name are flattened, and an outer field wins over an embedded one.
func addFields(o *orderedObject, v reflect.Value) error {
	t := v.Type()
	type later struct {
		v reflect.Value
	}
	var embedded []later
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		fv := v.Field(i)
		if f.Anonymous && name == "" {
			ev := fv
			if ev.Kind() == reflect.Pointer {
				if ev.IsNil() {
					continue
				}
				ev = ev.Elem()
			}
			if ev.Kind() == reflect.Struct {
				embedded = append(embedded, later{ev})
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if strings.Contains(opts, "omitempty") && isEmpty(fv) {
			continue
		}
		x, err := toTree(fv)
		if err != nil {
			return fmt.Errorf("%s.%s: %w", t.Name(), f.Name, err)
		}
		o.set(name, x)
	}
	// Embedded fields come first in encoding/json's order only by position;
	// here they are added without overriding the outer fields.
	for _, e := range embedded {
		inner := &orderedObject{}
		if err := addFields(inner, e.v); err != nil {
			return err
		}
		for i, k := range inner.keys {
			if !o.has(k) {
				o.keys = append(o.keys, k)
				o.vals = append(o.vals, inner.vals[i])
			}
		}
	}
	return nil
}

func (o *orderedObject) has(k string) bool {
	for _, kk := range o.keys {
		if kk == k {
			return true
		}
	}
	return false
}

func isEmpty(v reflect.Value) bool {
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

// Write writes Marshal(v) to w.
func Write(w io.Writer, v any) error {
	b, err := Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}
