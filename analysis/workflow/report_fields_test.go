package workflow

import (
	"reflect"
	"strings"
	"testing"
)

// TestReportFieldsDefaults: with no field given, the options are the
// documented defaults of the fields.
func TestReportFieldsDefaults(t *testing.T) {
	o, read, err := ParseReportFields(nil)
	if err != nil {
		t.Fatal(err)
	}
	s := o.Sessions
	if o.Meta.Method != "REML" || o.Meta.Test != "z" || o.Meta.Level != 0.95 || s.Level != 0.95 || s.MaxLagGap != 1 ||
		s.Reliability != 0 || s.ReliabilitySource != "" || s.GainsCutoff != nil || // 0: DefaultReliability, said to be assumed
		s.OutcomeLabel != "outcome" || s.AllianceLabel != "alliance" || o.Omit != nil || read.Delimiter != 0 {
		t.Errorf("defaults: %+v %+v", o, read)
	}
}

// TestEveryReportFieldIsRead: each field, given a value other than its
// default, changes the options: no field of the page or the command line
// is silently ignored.
func TestEveryReportFieldIsRead(t *testing.T) {
	base, baseRead, err := ParseReportFields(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ReportFields() {
		v := "x"
		switch {
		case f.Kind == SwitchField:
			v = "true"
		case f.Kind == CountField:
			v = "3"
		case f.Kind == NumberField:
			v = "0.9"
		case len(f.Choices) > 0:
			v = f.Choices[len(f.Choices)-1]
		case f.Name == "delimiter" || f.Name == "decimal":
			v = ","
		}
		values := map[string]string{f.Name: v}
		if f.Name == "es-id" {
			values["cluster"] = "study"
		}
		o, read, err := ParseReportFields(values)
		if err != nil {
			t.Errorf("%s=%s: %v", f.Name, v, err)
			continue
		}
		if f.Name == "es-id" {
			base2, _, _ := ParseReportFields(map[string]string{"cluster": "study"})
			if reflect.DeepEqual(o, base2) {
				t.Errorf("%s ignored", f.Name)
			}
			continue
		}
		if reflect.DeepEqual(o, base) && reflect.DeepEqual(read, baseRead) {
			t.Errorf("%s=%s changes nothing", f.Name, v)
		}
	}
}

// TestReportFieldErrors: values that cannot be honoured are invalid-option
// errors naming their field.
func TestReportFieldErrors(t *testing.T) {
	for _, tc := range []struct {
		values map[string]string
		field  string
		msg    string
	}{
		{map[string]string{"level": "120"}, "level", "level 120: give a confidence level between 0 and 100"},
		{map[string]string{"reliability": "1.5"}, "reliability", "between 0 and 1"},
		{map[string]string{"es-id": "es"}, "es-id", "nested in"},
		{map[string]string{"max-lag-gap": "two"}, "max-lag-gap", "whole number"},
		{map[string]string{"gains-cutoff": "x"}, "gains-cutoff", "give a number"},
		{map[string]string{"delimiter": "ab"}, "Delimiter", "one character"},
	} {
		_, _, err := ParseReportFields(tc.values)
		if err == nil || OptionOf(err) != tc.field || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%v: %v (option %q)", tc.values, err, OptionOf(err))
		}
	}
}

// TestInspectReport: the roles of the demo data resolve to the columns the
// report uses; a session table without an alliance column says why.
func TestInspectReport(t *testing.T) {
	st, se := sessEmbedded(t, "demo-studies"), sessEmbedded(t, "demo-sessions")
	opt, _, err := ParseReportFields(map[string]string{"cluster": "study", "es-id": "es_id", "mods": "year"})
	if err != nil {
		t.Fatal(err)
	}
	got := InspectReport(ReportInput{Studies: &st, Sessions: &se}, opt)
	if len(got) != 2 || got[0].Err != nil || got[1].Err != nil {
		t.Fatalf("%+v", got)
	}
	cols := func(tb InputTable) map[string]string {
		m := map[string]string{}
		for _, r := range tb.Roles {
			m[r.Field] = r.Column
		}
		return m
	}
	if c := cols(got[0]); c["r"] != "ri" || c["n"] != "ni" || c["study"] != "study" || c["cluster"] != "study" || c["es-id"] != "es_id" ||
		!reflect.DeepEqual(got[0].Chosen, []string{"year"}) {
		t.Errorf("study roles %v, chosen %v", c, got[0].Chosen)
	}
	if c := cols(got[1]); c["patient"] != "patient" || c["alliance"] != "alliance" || c["outcome"] != "outcome" {
		t.Errorf("session roles %v", c)
	}
	opt.Sessions.Columns.Alliance = "wai"
	if bad := InspectReport(ReportInput{Sessions: &se}, opt); len(bad) != 1 || bad[0].Err == nil || !strings.Contains(bad[0].Err.Error(), "wai") {
		t.Errorf("missing alliance column: %+v", bad)
	}
}
