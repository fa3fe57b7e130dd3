package jsonout

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// encoderReference is Marshal as it was written before indentWriter:
// encoding/json's Encoder over the tree, the objects by their MarshalJSON.
func encoderReference(t *testing.T, v any) []byte {
	t.Helper()
	x, err := toTree(reflect.ValueOf(v))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(x); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// spaced is a json.Marshaler whose bytes carry whitespace and nesting.
type spaced struct{ N int }

func (s spaced) MarshalJSON() ([]byte, error) {
	return []byte(` { "n" : [ 1 , 2 , {"k": "<&>"} ] , "e": {} , "a": [] } `), nil
}

type leaf struct {
	Name  string             `json:"name"`
	X     float64            `json:"x"`
	Y     float32            `json:"y,omitempty"`
	P     *float64           `json:"p"`
	Tags  []string           `json:"tags"`
	M     map[string]float64 `json:"m,omitempty"`
	Raw   spaced             `json:"raw"`
	Empty []int              `json:"empty"`
	Kids  []leaf             `json:"kids,omitempty"`
}

var strs = []string{"", "plain", "a\"b\\c", "tab\there\nnl", "<b>&amp;</b>", "ü é ∑ → 🙂", "\u2028\u2029", "bad\xffutf8", "ctrl\x01\x1f", "\b\f"}

func randFloat(r *rand.Rand) float64 {
	switch r.IntN(8) {
	case 0:
		return math.NaN()
	case 1:
		return math.Inf(1 - 2*r.IntN(2))
	case 2:
		return 0
	case 3:
		return (r.Float64() - 0.5) * math.Pow(10, float64(r.IntN(60)-30))
	case 4:
		return float64(r.IntN(2000) - 1000)
	case 5:
		return 1e21 * (1 + r.Float64())
	case 6:
		return 1e-6 * r.Float64() * 2
	}
	return r.NormFloat64()
}

func randLeaf(r *rand.Rand, depth int) leaf {
	l := leaf{Name: strs[r.IntN(len(strs))], X: randFloat(r), Y: float32(randFloat(r))}
	if r.IntN(2) == 0 {
		p := randFloat(r)
		l.P = &p
	}
	for i := r.IntN(3); i > 0; i-- {
		l.Tags = append(l.Tags, strs[r.IntN(len(strs))])
	}
	if r.IntN(2) == 0 {
		l.M = map[string]float64{}
		for i := r.IntN(4); i > 0; i-- {
			l.M[strs[r.IntN(len(strs))]] = randFloat(r)
		}
	}
	if depth > 0 {
		for i := r.IntN(3); i > 0; i-- {
			l.Kids = append(l.Kids, randLeaf(r, depth-1))
		}
	}
	return l
}

// TestWriterMatchesEncoder: Marshal writes the bytes of encoding/json's
// indenting Encoder over the same tree, for 2,000 random documents of
// nested structs, maps, raw Marshaler output, NaN and ±Inf, floats of
// every magnitude (both formats, float32 too) and strings that need
// escaping (quotes, controls, HTML characters in keys and values,
// U+2028, invalid UTF-8).
func TestWriterMatchesEncoder(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for i := 0; i < 2000; i++ {
		var v any = randLeaf(r, 3)
		if i%5 == 0 {
			v = []any{randLeaf(r, 1), map[string]any{"<k>": []float64{randFloat(r)}, "z": nil}, strs[i%len(strs)], spaced{}}
		}
		got, err := Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if want := encoderReference(t, v); !bytes.Equal(got, want) {
			t.Fatalf("document %d differs:\n%s\n--- want ---\n%s", i, got, want)
		}
	}
}

// BenchmarkMarshalBLUPs is the JSON of 5,000 patients' two conditional
// modes with SDs, the bulk of 'alliance lmm --format json' on 100,000 rows.
func BenchmarkMarshalBLUPs(b *testing.B) {
	type mode struct {
		Group, Level, Term string
		Value, CondSD      float64
	}
	var ms []mode
	for i := 0; i < 10000; i++ {
		ms = append(ms, mode{"patient", "P" + string(rune('a'+i%26)), "(Intercept)", float64(i) * 0.37, 1.0 / float64(i+1)})
	}
	v := map[string]any{"ranef": ms, "n": 1}
	for b.Loop() {
		if _, err := Marshal(v); err != nil {
			b.Fatal(err)
		}
	}
}
