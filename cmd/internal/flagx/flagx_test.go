package flagx

import (
	"fmt"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
	"github.com/spf13/cobra"
)

// TestTypedFlags: each typed flag keeps what it is given in the form the
// command uses, and refuses a wrong text with what to give instead.
func TestTypedFlags(t *testing.T) {
	var (
		num           *float64
		n             *int
		count         int
		xs            []float64
		level         float64
		fig, word     string
		higher        bool
		list          []string
		size          int64
		unsetNum      *float64
		unsetInt      *int
		enumUntouched string
	)
	cmd := &cobra.Command{Use: "x"}
	Num(cmd, &num, "num", "")
	Num(cmd, &unsetNum, "unset", "")
	Int(cmd, &n, "n", "")
	Int(cmd, &unsetInt, "unset-int", "")
	Count(cmd, &count, "count", 3, 1, "")
	Floats(cmd, &xs, "steps", "")
	Level(cmd, &level, "the intervals")
	Figure(cmd, &fig, "plot", "")
	Enum(cmd, &word, "method", "REML", "", "REML", "DL")
	Enum(cmd, &enumUntouched, "side", "left", "", "left", "right")
	Better(cmd, &higher, "which is better")
	List(cmd, &list, "mods", "")
	cmd.Flags().Var(ByteSize{V: &size}, "max-bytes", "")
	good := map[string]string{"num": "0.25", "n": "7", "count": "2", "steps": ".025, .5,1", "level": "90", "plot": "f.SVG",
		"method": "dl", "better": "Higher", "mods": "year,,rater", "max-bytes": "2KiB"}
	for name, v := range good {
		if err := cmd.Flags().Set(name, v); err != nil {
			t.Fatalf("--%s %s: %v", name, v, err)
		}
	}
	if *num != 0.25 || *n != 7 || count != 2 || len(xs) != 3 || xs[0] != 0.025 || xs[2] != 1 || level != 0.9 || fig != "f.SVG" ||
		word != "DL" || !higher || strings.Join(list, "|") != "year|rater" || size != 2048 {
		t.Errorf("got num %v n %v count %d steps %v level %v plot %q method %q higher %v mods %q size %d",
			*num, *n, count, xs, level, fig, word, higher, list, size)
	}
	if unsetNum != nil || unsetInt != nil || enumUntouched != "left" {
		t.Errorf("flags not given changed: %v %v %q", unsetNum, unsetInt, enumUntouched)
	}
	if cmd.Flags().Set("level", ".8"); level != 0.8 {
		t.Errorf("--level .8 gave %v, want the proportion 0.8", level)
	}
	bad := map[string]string{"num": "abc", "n": "1.5", "count": "0", "steps": ".05,x", "level": "200", "plot": "f.jpg",
		"method": "PM", "better": "more", "max-bytes": "5xx"}
	want := map[string]string{"num": "not a number", "n": "not a whole number", "count": "at least 1", "steps": "list of numbers",
		"level": "between 0 and 100", "plot": ".png, .svg or .pdf", "method": "REML, DL", "better": "one of lower, higher", "max-bytes": "500MB"}
	for name, v := range bad {
		err := cmd.Flags().Set(name, v)
		if err == nil || !strings.Contains(err.Error(), want[name]) {
			t.Errorf("--%s %s: got %v, want an error saying %q", name, v, err, want[name])
		}
	}
}

// TestLayoutFlags: --wide, --waves and two-word choices keep the parsed
// form, refuse a wrong text, and leave the default when not given.
func TestLayoutFlags(t *testing.T) {
	var (
		wideP, wideL datasets.WideSpec
		waves, none  []int
		losses, lw   bool
	)
	cmd := &cobra.Command{Use: "x"}
	Wide(cmd, &wideP, "wide", "")
	Wide(cmd, &wideL, "cols", "")
	Waves(cmd, &waves, "waves", "")
	Waves(cmd, &none, "other", "")
	Choice(cmd, &losses, "direction", "gains", "losses", "")
	Choice(cmd, &lw, "missing", "fiml", "listwise", "")
	for name, v := range map[string]string{"wide": "bdi_s", "cols": "s1, s2,s3", "waves": "2:5", "direction": "LOSSES"} {
		if err := cmd.Flags().Set(name, v); err != nil {
			t.Fatalf("--%s %s: %v", name, v, err)
		}
	}
	if wideP.Prefix != "bdi_s" || len(wideP.Columns) != 0 || strings.Join(wideL.Columns, "|") != "s1|s2|s3" ||
		fmt.Sprint(waves) != "[2 3 4 5]" || !losses || lw || none != nil {
		t.Errorf("got wide %+v cols %+v waves %v losses %v listwise %v other %v", wideP, wideL, waves, losses, lw, none)
	}
	if got := cmd.Flags().Lookup("missing").DefValue; got != "fiml" {
		t.Errorf("--missing default shown as %q, want fiml", got)
	}
	for name, v := range map[string]string{"waves": "1,x", "direction": "up", "missing": "pairwise"} {
		if err := cmd.Flags().Set(name, v); err == nil {
			t.Errorf("--%s %s accepted", name, v)
		}
	}
	if fmt.Sprint(waves) != "[2 3 4 5]" {
		t.Errorf("a refused --waves changed the waves to %v", waves)
	}
}

// TestBind: fields bound by Bind set their options with the types,
// defaults, choices and bare values of the table.
func TestBind(t *testing.T) {
	type opts struct {
		Method string
		Level  float64
		Tau2   *float64
		Mods   []string
		Steps  []float64
		Seed   uint64
		Bias   bool
	}
	fields := []workflow.Field{
		{Name: "method", Default: "REML", Choices: []string{"REML", "ML"}, Option: "Method", Usage: "m", Bare: "ML"},
		{Name: "level", Kind: workflow.LevelField, Option: "Level", Usage: "lv"},
		{Name: "tau2", Option: "Tau2", Usage: "t"},
		{Name: "mods", Option: "Mods", Usage: "m"},
		{Name: "steps", Option: "Steps", Usage: "s"},
		{Name: "seed", Default: "7", Option: "Seed", Usage: "s"},
		{Name: "bias", Option: "Bias", Usage: "b"},
	}
	var o opts
	cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
	if err := Bind(cmd, &o, fields); err != nil {
		t.Fatal(err)
	}
	if o.Method != "REML" || o.Level != 0 || o.Tau2 != nil || o.Seed != 7 { // level not given: 0, the analysis's 95 %
		t.Fatalf("defaults: %+v", o)
	}
	cmd.SetArgs([]string{"--method", "--level", "90", "--tau2", "0.1", "--mods", "a,,b", "--steps", ".025,1", "--bias"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if o.Method != "ML" || o.Level != 0.9 || o.Tau2 == nil || *o.Tau2 != 0.1 || len(o.Mods) != 2 || len(o.Steps) != 2 || !o.Bias {
		t.Fatalf("set: %+v", o)
	}
	if cmd.Flags().Lookup("level").Usage != "lv" {
		t.Error("the level field's help is not the table's")
	}
	if err := cmd.Flags().Set("method", "GLS"); err == nil {
		t.Error("a word outside the choices was taken")
	}
	if err := Bind(&cobra.Command{}, &o, []workflow.Field{{Name: "x", Option: "Nope"}}); err == nil {
		t.Error("a field the options cannot take was bound")
	}
}
