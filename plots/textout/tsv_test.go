package textout

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// A CSV table written to a .tsv path comes out tab-separated, cell for
// cell (quoted commas and quotes survive; a cell with a tab is quoted); a
// .csv path is left as it is; a failing render fails the write.
func TestDelimitedFor(t *testing.T) {
	csvText := "patient,label,score\n1,\"a, b\",2.5\n2,\"say \"\"hi\"\"\",NA\n3,\"tab\there\",-1\n"
	render := func(w io.Writer) error { _, err := io.WriteString(w, csvText); return err }
	var b bytes.Buffer
	if err := DelimitedFor("out.TSV", render)(&b); err != nil {
		t.Fatal(err)
	}
	want := "patient\tlabel\tscore\n1\ta, b\t2.5\n2\t\"say \"\"hi\"\"\"\tNA\n3\t\"tab\there\"\t-1\n"
	if b.String() != want {
		t.Fatalf("got %q\nwant %q", b.String(), want)
	}
	b.Reset()
	if err := DelimitedFor("out.csv", render)(&b); err != nil || b.String() != csvText {
		t.Fatalf(".csv changed: %q, %v", b.String(), err)
	}
	boom := errors.New("boom")
	failing := func(w io.Writer) error { _, _ = io.WriteString(w, strings.Repeat("a,b\n", 10000)); return boom }
	if err := DelimitedFor("x.tsv", failing)(io.Discard); !errors.Is(err, boom) {
		t.Fatalf("a failing render gave %v", err)
	}
}
