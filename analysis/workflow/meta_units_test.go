package workflow

import (
	"math"
	"strings"
	"testing"
)

// readings joins a section's paragraphs.
func readings(s *Section) string {
	var b strings.Builder
	for _, bl := range s.Blocks {
		if p, ok := bl.(*Paragraph); ok {
			b.WriteString(p.Text + "\n")
		}
	}
	return b.String()
}

// The bias sentences state their unit where the table beside them gives r:
// on Fisher's z scale each estimate is "Fisher z = … (r = …)", and the r
// values are those of the table (tanh of z). Precomputed effects keep plain
// numbers (issue 14: the prose gave z beside a table in r).
func TestBiasReadingsStateTheUnit(t *testing.T) {
	run, err := Meta(embedded(t, "demo-studies"), MetaOptions{Bias: true})
	if err != nil {
		t.Fatal(err)
	}
	text := readings(run.Section())
	tf := run.Bias.TrimFill
	want := "moves from Fisher z = " + num(tf.Original, 3) + " (r = " + rnum(math.Tanh(tf.Original), 3) + ") to Fisher z = " + num(tf.Estimate, 3) + " (r = " + rnum(math.Tanh(tf.Estimate), 3) + ")"
	if !strings.Contains(text, want) {
		t.Errorf("trim-and-fill sentence lacks %q:\n%s", want, text)
	}
	if !strings.Contains(text, "perfectly precise study is Fisher z = ") || !strings.Contains(text, "halve the mean effect to Fisher z = ") {
		t.Errorf("Egger or Orwin sentence without its unit:\n%s", text)
	}
	yi := csvSource(t, "d.csv", "yi,vi\n0.3,0.01\n0.5,0.02\n0.1,0.015\n0.4,0.03\n0.2,0.01\n0.6,0.04\n")
	plain, err := Meta(yi, MetaOptions{Bias: true})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(readings(plain.Section()), "Fisher z") {
		t.Errorf("precomputed effects read as Fisher z:\n%s", readings(plain.Section()))
	}
}
