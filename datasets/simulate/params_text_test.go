package simulate

import (
	"reflect"
	"strings"
	"testing"
)

// TestParamTextRoundTrip: every parameter's text (ParamInfo.Value), set
// into zero parameters, gives back the described parameters, for each
// simulator; ParamText writes what Describe writes.
func TestParamTextRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		want, zero any
		infos      []ParamInfo
	}{
		{ptr(DefaultSessionParams()), &SessionParams{}, DefaultSessionParams().Describe()},
		{ptr(DefaultStudyParams()), &StudyParams{}, DefaultStudyParams().Describe()},
		{ptr(DefaultPanelParams()), &PanelParams{}, DefaultPanelParams().Describe()},
	} {
		n := 0
		for _, in := range tc.infos {
			if ParamKind(tc.zero, in) == "" {
				continue
			}
			n++
			if err := SetParam(tc.zero, in, in.Value); err != nil {
				t.Errorf("%s=%q: %v", in.Flag, in.Value, err)
			}
			if got := ParamText(tc.want, in); got != in.Value {
				t.Errorf("%s: ParamText %q, Describe %q", in.Flag, got, in.Value)
			}
		}
		if n == 0 || !reflect.DeepEqual(tc.zero, tc.want) {
			t.Errorf("%T: %d parameters set, %+v, want %+v", tc.zero, n, tc.zero, tc.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// TestSetParamErrors: text of the wrong kind is refused and says why.
func TestSetParamErrors(t *testing.T) {
	p := DefaultSessionParams()
	info := func(flag string) ParamInfo {
		for _, in := range p.Describe() {
			if in.Flag == flag {
				return in
			}
		}
		t.Fatalf("no %s", flag)
		return ParamInfo{}
	}
	for flag, text := range map[string]string{"patients": "2.5", "within-sd": "big"} {
		if err := SetParam(&p, info(flag), text); err == nil || !strings.Contains(err.Error(), "not a") {
			t.Errorf("%s=%s: %v", flag, text, err)
		}
	}
	if err := SetParam(&p, ParamInfo{Name: "Nope"}, "1"); err == nil {
		t.Error("unknown parameter accepted")
	}
}
