package main

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/effectsize"
	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/mixed"
	"github.com/alliance-research/alliance/analysis/reliability"
	"github.com/alliance-research/alliance/datasets"
)

// heterogeneous effects (Molloy-like) for the meta-analysis cases.
var tYi = []float64{0.05, 0.62, -0.21, 0.48, 0.91, 0.10, 0.33, -0.40}
var tVi = []float64{0.010, 0.020, 0.015, 0.030, 0.012, 0.025, 0.018, 0.022}

// Each error class: a library call produces it (errors.As / errors.Is), and
// exitCode maps it to the exit code of the contract (0 ok, 1 analysis
// failed, 2 bad usage or input).
func TestErrorClassesAndExitCodes(t *testing.T) {
	for _, c := range []struct {
		name string
		call func() error
		kind errs.Kind // 0: an *errs.InputError
		code int
	}{
		{"ok", func() error { _, err := meta.Fit(tYi, tVi, meta.Options{}); return err }, 0, exitOK},
		{"no convergence", func() error {
			_, err := meta.Fit(tYi, tVi, meta.Options{Method: "REML", MaxIter: 1})
			return err
		}, errs.NoConvergence, exitAnalysis},
		{"singular: constant moderator", func() error {
			_, err := meta.Fit(tYi, tVi, meta.Options{Mods: []meta.Moderator{{Name: "x", Numeric: []float64{1, 1, 1, 1, 1, 1, 1, 1}}}})
			return err
		}, errs.Singular, exitAnalysis},
		{"too few studies", func() error {
			r, err := meta.Fit(tYi[:2], tVi[:2], meta.Options{})
			if err != nil {
				return err
			}
			_, err = meta.RegTest(r, meta.RegTestOptions{})
			return err
		}, errs.TooFew, exitAnalysis},
		{"invalid option: method", func() error { _, err := meta.Fit(tYi, tVi, meta.Options{Method: "XYZ"}); return err }, errs.InvalidOption, exitUsage},
		{"invalid option: omega factors", func() error {
			x := [][]float64{{1, 2, 3}, {2, 3, 3}, {3, 3, 4}, {4, 5, 5}, {2, 2, 1}}
			_, err := reliability.Omega(x, reliability.OmegaOptions{NFactors: 5})
			return err
		}, errs.InvalidOption, exitUsage},
		{"invalid option: formula", func() error {
			_, err := mixed.Fit("y ~ log(x) + (1 | g)", mixed.Data{}, mixed.Options{})
			return err
		}, errs.InvalidOption, exitUsage},
		{"input: effect size", func() error { _, _, err := effectsize.ZCOR([]float64{0.3}, []float64{3}); return err }, 0, exitUsage},
		{"input: file", func() error {
			tab, err := datasets.Read("s.csv", strings.NewReader("study,ri,ni\nA,\"0,3\",20\n"), datasets.ReadOptions{})
			if err != nil {
				return err
			}
			_, err = tab.Studies(datasets.StudyColumns{}, datasets.StudyOptions{})
			return err
		}, 0, exitUsage},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			switch {
			case c.code == exitOK:
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
			case c.kind == 0:
				var ie *errs.InputError
				if !errors.As(err, &ie) {
					t.Fatalf("%v (%T) is not an *errs.InputError", err, err)
				}
			default:
				var ae *errs.Error
				if !errors.As(err, &ae) || ae.Kind != c.kind || !errors.Is(err, c.kind) || ae.Analysis == "" || ae.Reason == "" {
					t.Fatalf("%v (%T, %+v) is not an *errs.Error of kind %v with analysis and reason", err, err, ae, c.kind)
				}
			}
			if got := exitCode(err, io.Discard); got != c.code {
				t.Errorf("exit code %d, want %d (%v)", got, c.code, err)
			}
			// Wrapping (as the command code does) keeps the class.
			if err != nil {
				if got := exitCode(errors.Join(errors.New("context"), err), io.Discard); got != c.code {
					t.Errorf("wrapped: exit code %d, want %d", got, c.code)
				}
				if got := exitCode(err, io.Discard); got != c.code {
					t.Errorf("exit code %d, want %d", got, c.code)
				}
			}
		})
	}
}

// The same classes end to end through the command line.
func TestExitCodesByErrorType(t *testing.T) {
	twoStudies := "study,yi,vi\nA,0.2,0.01\nB,0.3,0.02\n"
	constMod := "study,yi,vi,x\nA,0.2,0.01,1\nB,0.3,0.02,1\nC,0.5,0.02,1\nD,0.1,0.03,1\n"
	items := "a,b,c\n1,2,3\n2,3,3\n3,3,4\n4,5,5\n2,2,1\n"
	for _, c := range []struct {
		stdin string
		args  []string
		code  int
		want  []string
	}{
		{"study,yi,vi,s\nA,0.2,0.01,x\nB,0.3,0.02,x\n", []string{"meta", "-", "--cluster", "s"}, exitAnalysis, []string{"only one outer cluster"}},
		{constMod, []string{"meta", "-", "--mods", "x"}, exitAnalysis, []string{"constant"}},
		{twoStudies, []string{"meta", "-", "--method", "XYZ"}, exitUsage, []string{"XYZ"}},
		{"study,ri,ni\nA,\"0,3\",20\n", []string{"meta", "-"}, exitUsage, []string{"stdin:2", "(decimal comma? try --decimal ,)"}},
		{"study,ri,ni\nA,.3,20\n", []string{"meta", "-", "--r", "rr"}, exitUsage, []string{`"rr"`, "(name it with --r)"}},
		{"client,session\na,1\n", []string{"sessions", "-"}, exitUsage, []string{"(name it with --patient)"}},
		{items, []string{"reliability", "-", "--items", "a,b,c", "--omega", "--nfactors", "5"}, exitUsage, []string{"5 factors for 3 items", "(try --nfactors 2)"}},
	} {
		_, stderr, code := runCLI(t, c.stdin, c.args...)
		if code != c.code {
			t.Errorf("%v: exit %d, want %d; stderr %q", c.args, code, c.code, stderr)
		}
		for _, w := range c.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: stderr lacks %q: %q", c.args, w, stderr)
			}
		}
	}
}

func TestFlagHints(t *testing.T) {
	e := &errs.InputError{Total: 3, Problems: []errs.Problem{
		{File: "f.csv", Line: 2, Column: "ri", Value: "0,3", Msg: "is not a number", Hint: "decimal=,"},
		{File: "f.csv", Line: 3, Column: "ri", Value: "0,3", Msg: "is not a number", Hint: "decimal=,"},
		{File: "f.csv", Line: 4, Column: "r", Value: "1.5", Msg: "is outside (-1, 1)", Hint: "r"}, // a cell: no role hint
	}}
	want := "f.csv:2: column \"ri\": \"0,3\" is not a number (decimal comma? try --decimal ,)\n" +
		"f.csv:3: column \"ri\": \"0,3\" is not a number (decimal comma? try --decimal ,)\n" +
		"f.csv:4: column \"r\": \"1.5\" is outside (-1, 1)"
	if got := withFlagHints(e); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	ae := errs.New(errs.InvalidOption, "metamv: CR2", "cluster too large; use CR1").WithHint("robust-type=CR1")
	if got := withFlagHints(errors.Join(errors.New("meta"), ae)); !strings.HasSuffix(got, "use CR1 (try --robust-type CR1)") {
		t.Errorf("analysis hint: %q", got)
	}
	if got := withFlagHints(errs.New(errs.TooFew, "x", "y").WithHint("unknown-hint")); got != "x: y" {
		t.Errorf("unknown hint: %q", got)
	}
	// No library message names a flag: the flags come from here.
	if flagHint("extra", false) != "" || flagHint("na", true) == "" {
		t.Error("flagHint table")
	}
}

// TestUnknownCSVTable: --table naming no table of the output is bad
// usage, listing the tables there are, with the flag to choose one.
func TestUnknownCSVTable(t *testing.T) {
	stdout, stderr, code := runCLI(t, "", "meta", "--quiet", "--format", "csv", "--table", "nope")
	if code != exitUsage || stdout != "" || !strings.Contains(stderr, "tables: coefficients, heterogeneity") || !strings.Contains(stderr, "--table") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
