package workflow

import (
	"strconv"
	"strings"
	"testing"
)

// optionTables are the field tables bound to options by front ends, with
// the options each sets.
func optionTables() map[string]struct {
	opts   func() any
	fields []Field
} {
	return map[string]struct {
		opts   func() any
		fields []Field
	}{
		"meta":        {func() any { return &MetaOptions{} }, MetaFields()},
		"bayes":       {func() any { return &BayesOptions{} }, BayesFields()},
		"lmm":         {func() any { return &LMMOptions{} }, LMMFields()},
		"ruptures":    {func() any { return &RupturesOptions{} }, RupturesFields()},
		"sessions":    {func() any { return &SessionsOptions{} }, SessionsFields()},
		"gains":       {func() any { return &GainsOptions{} }, GainsFields()},
		"change":      {func() any { return &ChangeOptions{} }, ChangeFields()},
		"ipd":         {func() any { return &IPDOptions{} }, IPDFields()},
		"panel":       {func() any { return &PanelOptions{} }, PanelFields()},
		"reliability": {func() any { return &ReliabilityOptions{} }, ReliabilityFields()},
		"3rs":         {func() any { return &ThreeRSOptions{} }, ThreeRSFields()},
	}
}

// TestOptionTables: every field of every table sets an option field of
// a type a front end can bind, no two fields share a name or an option,
// a default is one of the choices, and every field has help.
func TestOptionTables(t *testing.T) {
	for table, tb := range optionTables() {
		names, targets := map[string]bool{}, map[string]string{}
		for _, fd := range tb.fields {
			if _, err := BindTarget(tb.opts(), fd); err != nil {
				t.Errorf("%s: %v", table, err)
			}
			if names[fd.Name] {
				t.Errorf("%s: two fields named %s", table, fd.Name)
			}
			names[fd.Name] = true
			if other, ok := targets[fd.Option]; ok {
				t.Errorf("%s: %s and %s both set %s", table, other, fd.Name, fd.Option)
			}
			targets[fd.Option] = fd.Name
			if strings.TrimSpace(fd.Usage) == "" {
				t.Errorf("%s: field %s has no help", table, fd.Name)
			}
		}
	}
}

// TestBindTargetRefuses: the faults a table can have are each caught.
func TestBindTargetRefuses(t *testing.T) {
	for _, c := range []struct {
		fd   Field
		want string
	}{
		{Field{Name: "x", Option: "NoSuchField"}, "no exported field"},
		{Field{Name: "x", Option: "Progress"}, "which no field kind sets"},
		{Field{Name: "x", Option: "Method", Default: "XX", Choices: []string{"REML"}}, "not one of its choices"},
		{Field{Name: "x", Option: "Method", Kind: LevelField}, "must set a float64"},
		{Field{Name: "x", Option: "Method.Sub"}, "not inside a struct"},
	} {
		_, err := BindTarget(&MetaOptions{}, c.fd)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want an error with %q", c.fd, err, c.want)
		}
	}
	if _, err := BindTarget(MetaOptions{}, Field{Name: "x", Option: "Method"}); err == nil {
		t.Error("options passed by value: want an error")
	}
	p, err := BindTarget(&MetaOptions{}, Field{Name: "m", Option: "Method"})
	if _, ok := p.(*string); err != nil || !ok {
		t.Errorf("Method: got %T, %v", p, err)
	}
}

// TestFieldDefaultsAreTheOptions: a default the help shows is the one the
// analysis takes when the option is left unset.
func TestFieldDefaultsAreTheOptions(t *testing.T) {
	def := func(fields []Field, name string) string {
		for _, f := range fields {
			if f.Name == name {
				return f.Default
			}
		}
		t.Fatalf("no field %s", name)
		return ""
	}
	p, _, err := PanelOptions{}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	pf := PanelFields()
	if p.Model != def(pf, "model") || p.Estimator != def(pf, "estimator") || p.Information != def(pf, "information") {
		t.Errorf("panel: unset options %q %q %q, fields say %q %q %q", p.Model, p.Estimator, p.Information,
			def(pf, "model"), def(pf, "estimator"), def(pf, "information"))
	}
	r := ThreeRSOptions{}.withDefaults()
	rf := ThreeRSFields()
	for name, got := range map[string]string{"3rs-session": r.Session, "3rs-segment": r.Segment, "3rs-coder": r.Coder,
		"withdrawal": r.Withdrawal, "confrontation": r.Confrontation, "resolution": r.Resolution, "ratings": r.Ratings,
		"rating-min": strconv.FormatFloat(r.MinRating, 'g', -1, 64), "rating-max": strconv.FormatFloat(r.MaxRating, 'g', -1, 64)} {
		if got != def(rf, name) {
			t.Errorf("3rs %s: unset %q, field says %q", name, got, def(rf, name))
		}
	}
}
