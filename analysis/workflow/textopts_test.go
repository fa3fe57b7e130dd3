package workflow

import (
	"reflect"
	"testing"
)

func TestParseWaves(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []int
		bad  bool
	}{
		{"", nil, false}, {"1:4", []int{1, 2, 3, 4}, false}, {" 2 : 3 ", []int{2, 3}, false},
		{"1,2, 5", []int{1, 2, 5}, false}, {"4:1", nil, true}, {"1:x", nil, true}, {"1,a", nil, true},
	} {
		got, err := ParseWaves(c.in)
		if (err != nil) != c.bad || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: %v %v", c.in, got, err)
		}
		if c.bad && OptionOf(err) != "Waves" {
			t.Errorf("%q: error %v does not name Waves", c.in, err)
		}
	}
}

func TestParseWideAndList(t *testing.T) {
	if w := ParseWide("bdi_s"); w.Prefix != "bdi_s" || w.Columns != nil {
		t.Errorf("prefix: %+v", w)
	}
	if w := ParseWide("pre, post"); w.Prefix != "" || !reflect.DeepEqual(w.Columns, []string{"pre", "post"}) {
		t.Errorf("list: %+v", w)
	}
	if got := SplitList(" a,,b ,"); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("SplitList: %q", got)
	}
}

func TestReadText(t *testing.T) {
	o, err := ReadText{Delimiter: "tab", Decimal: ",", NA: "-99, 999", Sheet: "Data"}.Options()
	if err != nil || o.Delimiter != '\t' || o.Decimal != ',' || !reflect.DeepEqual(o.NA, []string{"-99", "999"}) || o.Sheet != "Data" {
		t.Errorf("%+v %v", o, err)
	}
	if o, _ := (ReadText{Delimiter: "|"}).Options(); o.Delimiter != '|' {
		t.Errorf("one character: %q", o.Delimiter)
	}
	for _, bad := range []ReadText{{Delimiter: "ab"}, {Decimal: ";"}} {
		if _, err := bad.Options(); OptionOf(err) == "" {
			t.Errorf("%+v: %v, want an invalid option", bad, err)
		}
	}
}

func TestParseLevelByteSizePredict(t *testing.T) {
	for in, want := range map[float64]float64{95: 0.95, 0.9: 0.9, 99: 0.99} {
		if got, err := ParseLevel(in); err != nil || got != want {
			t.Errorf("ParseLevel(%v) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []float64{0, 100, -5, 150} {
		if _, err := ParseLevel(bad); OptionOf(err) != "Level" {
			t.Errorf("ParseLevel(%v): %v", bad, err)
		}
	}
	for in, want := range map[string]int64{"100": 100, "1KiB": 1024, "1kb": 1000, "2GiB": 2 << 30, "1.5MB": 1500000, "3G": 3 << 30} {
		if v, err := ParseByteSize(in); err != nil || v != want {
			t.Errorf("ParseByteSize(%q) = %d, %v; want %d", in, v, err, want)
		}
	}
	for _, bad := range []string{"-5", "abc", "1.5.2GB", "0", "5XB"} {
		if _, err := ParseByteSize(bad); OptionOf(err) != "MaxBytes" {
			t.Errorf("ParseByteSize(%q): %v", bad, err)
		}
	}
	pts, err := ParsePredict(" year=2010, rater=patient ; year=2020,rater=patient;")
	if err != nil || !reflect.DeepEqual(pts, []map[string]string{{"year": "2010", "rater": "patient"}, {"year": "2020", "rater": "patient"}}) {
		t.Errorf("ParsePredict: %v, %v", pts, err)
	}
	for _, bad := range []string{"year", "year=", "year=1,year=2"} {
		if _, err := ParsePredict(bad); OptionOf(err) != "Predict" {
			t.Errorf("ParsePredict(%q): %v", bad, err)
		}
	}
}
