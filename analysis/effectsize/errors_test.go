package effectsize

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
)

// Bad input is reported with the function, argument, row index and value,
// never returned as NaN.
func TestBadInput(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		name string
		call func() error
		want string // substring of the message
	}{
		{"ZCOR r=1", func() error { _, _, err := ZCOR([]float64{0.2, 1}, []float64{10, 10}); return err }, "ZCOR: r[1] = 1"},
		{"ZCOR n=3", func() error { _, _, err := ZCOR([]float64{0.2, 0.1, 0.3}, []float64{10, 20, 3}); return err }, "ZCOR: n[2] = 3"},
		{"ZCOR NaN r", func() error { _, _, err := ZCOR([]float64{nan}, []float64{10}); return err }, "r[0] = NaN"},
		{"ZCOR NaN n", func() error { _, _, err := ZCOR([]float64{0.1}, []float64{nan}); return err }, "n[0] = NaN"},
		{"ZCOR +Inf n", func() error { _, _, err := ZCOR([]float64{0.1}, []float64{math.Inf(1)}); return err }, "n[0] = +Inf"},
		{"ZCOR lengths", func() error { _, _, err := ZCOR([]float64{0.1, 0.2}, []float64{10}); return err }, "len(r) = 2 but len(n) = 1"},
		{"ZCORValue", func() error { _, _, err := ZCORValue(-1.2, 50); return err }, "ZCOR: r = -1.2"},
		{"COR n=3", func() error { _, _, err := COR([]float64{0.5}, []float64{3}, ""); return err }, "n[0] = 3"},
		{"COR vtype", func() error { _, _, err := COR([]float64{0.5}, []float64{30}, "XX"); return err }, `vtype "XX"`},
		{"CORValue AV", func() error { _, _, err := CORValue(0.5, 30, VTypeAV); return err }, "whole table"},
		{"UCOR n=4", func() error { _, _, err := UCOR([]float64{0.5, 0.2}, []float64{30, 4}, VTypeUB); return err }, "UCOR: n[1] = 4"},
		{"UCOR H0", func() error { _, _, err := UCOR([]float64{0.5}, []float64{30}, VTypeH0); return err }, `vtype "H0"`},
		{"PCOR df", func() error { _, _, err := PCOR([]float64{2}, []float64{5}, []float64{4}, ""); return err }, "n - p - 1 = 0"},
		{"PCOR p<0", func() error { _, _, err := PCOR([]float64{2}, []float64{50}, []float64{-1}, ""); return err }, "p[0] = -1"},
		{"PCOR t Inf", func() error { _, _, err := PCORValue(math.Inf(1), 50, 2, ""); return err }, "t = +Inf"},
		{"ZPCOR lengths", func() error { _, _, err := ZPCOR([]float64{2}, []float64{50, 60}, []float64{1}); return err }, "len(t) = 1 but len(n) = 2"},
		{"SPCOR R2>1", func() error {
			_, _, err := SPCOR([]float64{2}, []float64{50}, []float64{1}, []float64{1.2}, "")
			return err
		}, "R2[0] = 1.2"},
		{"SPCOR inconsistent", func() error { _, _, err := SPCORValue(10, 50, 1, 0.1, ""); return err }, "inconsistent"},
		{"SPCOR R2=1", func() error { _, _, err := SPCORValue(0, 50, 1, 1, ""); return err }, "not positive"},
		{"Escalc measure", func() error { _, err := Escalc(MeasurePCOR, "", nil, nil); return err }, "not computed from r and n"},
		{"EscalcPartial measure", func() error { _, err := EscalcPartial(MeasureZCOR, "", nil, nil, nil, nil); return err }, "not computed from t"},
		{"RFromP p=0", func() error { _, err := RFromP(0, 30); return err }, "p = 0"},
		{"RFromP p>1", func() error { _, err := RFromP(1.5, 30); return err }, "p = 1.5"},
		{"RFromP n=2", func() error { _, err := RFromP(0.05, 2); return err }, "n = 2"},
		{"RFromF neg", func() error { _, err := RFromF(-1, 30); return err }, "F = -1"},
		{"RFromChi2 > n", func() error { _, err := RFromChi2(31, 30); return err }, "chi2 = 31"},
		{"RFromT df", func() error { _, err := RFromT(2, 0); return err }, "df = 0"},
		{"DFromR r", func() error { _, _, err := DFromR(1, 0.01, 10, 10); return err }, "r = 1"},
		{"RFromD vd", func() error { _, _, err := RFromD(0.5, -1, 10, 10); return err }, "vd = -1"},
		{"HedgesG n", func() error { _, _, err := HedgesG(0.5, 1, 2); return err }, "n1 + n2 - 2 > 1"},
		{"HedgesJ df", func() error { _, err := HedgesJ(1); return err }, "df = 1"},
		{"ZToRInt tau2", func() error { _, err := ZToRInt(0.3, -0.1); return err }, "tau2 = -0.1"},
		{"ZToR NaN", func() error { _, err := ZToR(nan); return err }, "z = NaN"},
		{"FisherZ", func() error { _, err := FisherZ(1); return err }, "r = 1"},
		{"UCORApprox", func() error { _, err := UCORApprox(0.5, 3); return err }, "n = 3"},
		{"ParseMeasure", func() error { _, err := ParseMeasure("SMD"); return err }, `unknown measure "SMD"`},
	} {
		err := c.call()
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q does not contain %q", c.name, err, c.want)
		}
	}
	var ie *InputError
	_, _, err := ZCOR([]float64{0.1, 0.2, 1.5}, []float64{10, 10, 10})
	if !errors.As(err, &ie) || len(ie.Problems) != 1 {
		t.Fatalf("ZCOR error %#v: want an *InputError for r[2] = 1.5", err)
	}
	if p := ie.Problems[0]; p.Row != 3 || p.Column != "r" || p.Hint != "r" || p.Value != "1.5" || p.Source != "effectsize: ZCOR" {
		t.Errorf("ZCOR problem %+v: want row 3 (index 2), column r, value 1.5", p)
	}
	// A front end places it in the file.
	if got, want := ie.At("studies.csv", []int{2, 3, 5}).Error(), `studies.csv:5: column "r": "1.5" is not valid: a correlation must lie strictly between -1 and 1`; got != want {
		t.Errorf("At: %q, want %q", got, want)
	}
	// Bad options (lengths, vtype, measure) are errs.InvalidOption.
	for _, e := range []error{
		func() error { _, _, err := ZCOR([]float64{0.1, 0.2}, []float64{10}); return err }(),
		func() error { _, _, err := COR([]float64{0.5}, []float64{30}, "XX"); return err }(),
		func() error { _, err := ParseMeasure("SMD"); return err }(),
	} {
		if !errors.Is(e, errs.InvalidOption) {
			t.Errorf("%v is not errs.InvalidOption", e)
		}
	}
}

func TestParseMeasure(t *testing.T) {
	for _, s := range []string{"zcor", " COR ", "Ucor", "PCOR", "zpcor", "SPCOR"} {
		m, err := ParseMeasure(s)
		if err != nil || !strings.EqualFold(string(m), strings.TrimSpace(s)) {
			t.Errorf("ParseMeasure(%q) = %q, %v", s, m, err)
		}
	}
}

// Empty tables are legal and give empty columns.
func TestEmptyTable(t *testing.T) {
	for _, m := range []Measure{MeasureZCOR, MeasureCOR, MeasureUCOR} {
		tab, err := Escalc(m, VTypeAV, []float64{}, []float64{})
		if err != nil || len(tab.Yi) != 0 || len(tab.Vi) != 0 {
			t.Errorf("Escalc(%s) on no studies = %+v, %v", m, tab, err)
		}
	}
}
