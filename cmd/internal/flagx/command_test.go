package flagx

import (
	"errors"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/datasets/simulate"
	"github.com/spf13/cobra"
)

// TestFinite: NaN and ±Inf are refused in plain and list flags, with the
// flag and the token named; finite values pass.
func TestFinite(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string // "" = accepted
	}{
		{[]string{"--x", "1.5", "--xs", "1,2"}, ""},
		{[]string{"--x", "NaN"}, "--x NaN"},
		{[]string{"--x", "-Inf"}, "--x -Inf"},
		{[]string{"--xs", "1,+Inf,3"}, "--xs +Inf"},
	} {
		cmd := &cobra.Command{Use: "x"}
		cmd.Flags().Float64("x", 0, "")
		cmd.Flags().Float64Slice("xs", nil, "")
		if err := cmd.ParseFlags(c.args); err != nil {
			t.Fatal(err)
		}
		err := Finite(cmd)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%v: refused: %v", c.args, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%v: got %v, want an error naming %q", c.args, err, c.want)
		}
	}
}

// TestIsUsage: cobra's own parse errors are usage errors; an analysis
// error is not.
func TestIsUsage(t *testing.T) {
	cmd := &cobra.Command{Use: "x", Args: cobra.NoArgs, RunE: func(*cobra.Command, []string) error { return nil }}
	cmd.Flags().Int("n", 0, "")
	for _, args := range [][]string{{"--nope"}, {"--n"}, {"--n", "two"}} {
		if err := cmd.ParseFlags(args); err == nil || !IsUsage(err) {
			t.Errorf("%v: %v is not classed as usage", args, err)
		}
	}
	if IsUsage(errors.New("the model did not converge")) {
		t.Error("an analysis error is classed as usage")
	}
}

// TestAliases: an alias sets its flag; the first map that names a spelling
// wins; unknown spellings stay unknown.
func TestAliases(t *testing.T) {
	cmd := &cobra.Command{Use: "x"}
	level := cmd.Flags().Float64("level", 95, "")
	Aliases(cmd, map[string]string{"conf-level": "level"}, map[string]string{"conf-level": "other", "ci": "level"})
	if err := cmd.ParseFlags([]string{"--conf-level", "90"}); err != nil || *level != 90 {
		t.Fatalf("--conf-level: level %v, err %v", *level, err)
	}
	if err := cmd.ParseFlags([]string{"--ci", "80"}); err != nil || *level != 80 {
		t.Fatalf("--ci: level %v, err %v", *level, err)
	}
	if err := cmd.ParseFlags([]string{"--confidence", "80"}); err == nil {
		t.Fatal("an unknown spelling was accepted")
	}
}

// TestParams: each simulator parameter becomes a flag that sets the
// parameter, and the simulator's Go field names map to flag names.
func TestParams(t *testing.T) {
	p := simulate.DefaultSessionParams()
	infos := p.Describe()
	cmd := &cobra.Command{Use: "x"}
	Params(cmd, &p, infos)
	if err := cmd.ParseFlags([]string{"--patients", "17", "--within-effect", "-0.4"}); err != nil {
		t.Fatal(err)
	}
	if p.Patients != 17 || p.WithinEffect != -0.4 {
		t.Errorf("patients %d, within-effect %v; want 17, -0.4", p.Patients, p.WithinEffect)
	}
	if err := cmd.ParseFlags([]string{"--patients", "many"}); err == nil {
		t.Error("--patients many was accepted")
	}
	name := ParamFlags(infos)
	if got := name("WithinEffect"); got != "--within-effect" {
		t.Errorf("WithinEffect → %q", got)
	}
	if got := name("Unknown"); got != "Unknown" {
		t.Errorf("an unknown field → %q", got)
	}
}

// TestOutputMarks: output and figure flags are marked as outputs, other
// flags are not.
func TestOutputMarks(t *testing.T) {
	var out, fig, in string
	cmd := &cobra.Command{Use: "x"}
	Output(cmd, &out, "episodes", "")
	Figure(cmd, &fig, "plot", "")
	cmd.Flags().StringVar(&in, "key", "", "")
	for name, want := range map[string]bool{"episodes": true, "plot": true, "key": false} {
		if got := IsOutput(cmd.Flags().Lookup(name)); got != want {
			t.Errorf("--%s: IsOutput %v, want %v", name, got, want)
		}
	}
}
