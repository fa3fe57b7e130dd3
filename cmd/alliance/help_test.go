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
