package main

import (
	"testing"

	"github.com/alliance-research/alliance/datasets"
	"github.com/spf13/cobra"
)

// TestOptionFlags: each option field is named by the flag bound to it,
// whatever the flag's type (pflag's own, pflag's slices, the typed flags),
// inside nested structs by field and by path, in a second options struct
// too; a struct is not mistaken for its first field; extra wins.
func TestOptionFlags(t *testing.T) {
	var o struct {
		Method  string
		K       *float64
		At      []string
		Mods    []string
		Columns datasets.SessionColumns
		Panel   struct{ Model string }
		Wide    datasets.WideSpec
		Hidden  string
	}
	var b struct{ TauPrior string }
	cmd := &cobra.Command{Use: "x"}
	f := cmd.Flags()
	enumVar(cmd, &o.Method, "method", "REML", "", "REML", "DL")
	numVar(cmd, &o.K, "k", "")
	f.StringArrayVar(&o.At, "at", nil, "")
	listVar(cmd, &o.Mods, "mods", "")
	rolesVar(cmd, &o.Columns)
	f.StringVar(&o.Panel.Model, "panel-model", "", "")
	wideVar(cmd, &o.Wide)
	f.StringVar(&b.TauPrior, "tau-prior", "", "")
	got := optionFlags(cmd, map[string]string{"Mods": "--mods (moderators)"}, &o, &b)
	want := map[string]string{"Method": "--method", "K": "--k", "At": "--at", "Mods": "--mods (moderators)", "Patient": "--patient",
		"Columns.Patient": "--patient", "Outcome": "--outcome", "Panel.Model": "--panel-model", "Model": "--panel-model",
		"Wide": "--wide", "TauPrior": "--tau-prior"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}
	for _, k := range []string{"Columns", "Hidden", "Wide.Prefix", "Panel"} {
		if v, ok := got[k]; ok {
			t.Errorf("%s has no flag of its own, got %q", k, v)
		}
	}
}
