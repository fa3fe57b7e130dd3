package main

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestHelpFiles: every help/NAME.txt belongs to a command, which shows it
// whole (long text and examples), and no placeholder is left unfilled.
func TestHelpFiles(t *testing.T) {
	commands := map[string]*cobra.Command{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		name := strings.ReplaceAll(strings.TrimPrefix(c.CommandPath(), "alliance "), " ", "-")
		commands[name] = c
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(newRootCmd(&env{}))
	files, err := fs.Glob(helpFiles, "help/*.txt")
	if err != nil || len(files) < 15 {
		t.Fatalf("help files: %v %v", files, err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "help/"), ".txt")
		c, ok := commands[name]
		if !ok {
			t.Errorf("%s: no command %q uses it", f, name)
			continue
		}
		long, example := helpText(name, "long"), helpText(name, "example")
		if long == "" && example == "" {
			t.Errorf("%s is empty", f)
		}
		if c.Long != long || c.Example != example {
			t.Errorf("%s: 'alliance %s --help' does not show the file's text", f, c.Name())
		}
		if strings.Contains(long, "$") {
			t.Errorf("%s: an unfilled placeholder in %q", f, long)
		}
	}
	for _, name := range []string{"alliance", "meta", "sessions", "lmm", "gains", "ruptures", "change", "ipd", "panel", "report"} {
		if commands[name] == nil || commands[name].Long == "" {
			t.Errorf("alliance %s has no long help", name)
		}
	}
}

// A command line naming a subcommand builds only that one
// (newRootCmdFor); its help, and its subcommands' help, is the one the full
// tree shows, and every command of the full tree is in subcommands.
func TestOnlyTheNamedCommandIsBuilt(t *testing.T) {
	full := newRootCmd(&env{})
	if len(full.Commands()) != len(subcommands) {
		t.Fatalf("the full tree has %d commands, subcommands lists %d", len(full.Commands()), len(subcommands))
	}
	helpOf := func(root *cobra.Command, args ...string) string {
		var out strings.Builder
		root.SetOut(&out)
		root.SetErr(&out)
		root.SetArgs(append(args, "--help"))
		if err := root.Execute(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return out.String()
	}
	for _, c := range subcommands {
		one := newRootCmdFor(&env{}, []string{c.name, "--help"})
		if n := len(one.Commands()); n != 1 {
			t.Errorf("%s: %d commands built, want 1", c.name, n)
		}
		want := helpOf(newRootCmd(&env{}), c.name)
		if got := helpOf(one, c.name); got != want {
			t.Errorf("alliance %s --help differs when only %s is built", c.name, c.name)
		}
		fc, _, err := full.Find([]string{c.name})
		if err != nil {
			t.Fatal(err)
		}
		for _, sub := range fc.Commands() {
			want := helpOf(newRootCmd(&env{}), c.name, sub.Name())
			if got := helpOf(newRootCmdFor(&env{}, []string{c.name}), c.name, sub.Name()); got != want {
				t.Errorf("alliance %s %s --help differs when only %s is built", c.name, sub.Name(), c.name)
			}
		}
	}
	if n := len(newRootCmdFor(&env{}, []string{"lmmx"}).Commands()); n != len(subcommands) {
		t.Errorf("an unknown command built %d commands, want all %d (to suggest the nearest)", n, len(subcommands))
	}
}
