package jsonout

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// The tree of toTree is written here in one pass: the bytes encoding/json's
// Encoder (SetIndent("", "  "), SetEscapeHTML(false)) writes for it, with
// the objects' MarshalJSON (orderedObject), but without the Encoder's
// re-scan of every nested object's bytes at every level above it, which
// made a document of n bytes at depth d cost O(n·d) (1.6 MB of lmm JSON:
// 70 ms). TestWriterMatchesEncoder holds the two to the same bytes.

// indentWriter appends the JSON of a tree to buf.
type indentWriter struct{ buf []byte }

func (w *indentWriter) newline(depth int) {
	w.buf = append(w.buf, '\n')
	for i := 0; i < depth; i++ {
		w.buf = append(w.buf, "  "...)
	}
}

// node writes x (a value of toTree's tree) at nesting depth.
func (w *indentWriter) node(x any, depth int) error {
	switch x := x.(type) {
	case nil:
		w.buf = append(w.buf, "null"...)
	case bool:
		w.buf = strconv.AppendBool(w.buf, x)
	case int64:
		w.buf = strconv.AppendInt(w.buf, x, 10)
	case uint64:
		w.buf = strconv.AppendUint(w.buf, x, 10)
	case float64:
		w.buf = appendFloat(w.buf, x, 64)
	case float32:
		w.buf = appendFloat(w.buf, float64(x), 32)
	case string:
		return w.str(x, false)
	case json.RawMessage:
		var c bytes.Buffer
		if err := json.Compact(&c, x); err != nil {
			return err
		}
		var b bytes.Buffer
		if err := json.Indent(&b, c.Bytes(), strings.Repeat("  ", depth), "  "); err != nil {
			return err
		}
		w.buf = append(w.buf, b.Bytes()...)
	case []any:
		if len(x) == 0 {
			w.buf = append(w.buf, "[]"...)
			return nil
		}
		w.buf = append(w.buf, '[')
		for i, e := range x {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.newline(depth + 1)
			if err := w.node(e, depth+1); err != nil {
				return err
			}
		}
		w.newline(depth)
		w.buf = append(w.buf, ']')
	case *orderedObject:
		if len(x.keys) == 0 {
			w.buf = append(w.buf, "{}"...)
			return nil
		}
		w.buf = append(w.buf, '{')
		for i, k := range x.keys {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.newline(depth + 1)
			if err := w.str(k, true); err != nil {
				return err
			}
			w.buf = append(w.buf, ": "...)
			if err := w.node(x.vals[i], depth+1); err != nil {
				return err
			}
		}
		w.newline(depth)
		w.buf = append(w.buf, '}')
	default: // not made by toTree; encoding/json's own bytes
		b, err := marshalCompact(x)
		if err != nil {
			return err
		}
		return w.node(json.RawMessage(b), depth)
	}
	return nil
}

// str writes s as a JSON string. Printable ASCII without '"' and '\' is
// written as it is; any other string is encoded by encoding/json, with
// HTML characters escaped for object keys (as orderedObject.MarshalJSON
// writes them) and not for values.
func (w *indentWriter) str(s string, key bool) error {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || key && (c == '<' || c == '>' || c == '&') {
			plain = false
			break
		}
	}
	if plain {
		w.buf = append(w.buf, '"')
		w.buf = append(w.buf, s...)
		w.buf = append(w.buf, '"')
		return nil
	}
	var b []byte
	var err error
	if key {
		b, err = json.Marshal(s)
	} else {
		b, err = marshalCompact(s)
	}
	if err != nil {
		return err
	}
	w.buf = append(w.buf, b...)
	return nil
}

// appendFloat formats a finite float as encoding/json does: the shortest
// representation, in exponent form below 1e-6 and from 1e21 on, with the
// exponent's leading zero dropped (1e-07 → 1e-7).
func appendFloat(b []byte, f float64, bits int) []byte {
	abs := math.Abs(f)
	fm := byte('f')
	if abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			fm = 'e'
		}
	}
	b = strconv.AppendFloat(b, f, fm, -1, bits)
	if fm == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}
