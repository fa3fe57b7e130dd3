package main

import (
	"io"
	"path/filepath"
	"strings"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/plots/textout"
	"github.com/spf13/cobra"
)

// ipdFlags are the flags of 'alliance ipd', bound to the workflow's
// options where they are one; the stage-1 session model's are shared with
// 'alliance sessions' (sessionModelFlags).
type ipdFlags struct {
	read   readFlags
	opt    workflow.IPDOptions
	forest string
	rcode  bool
	hints  map[string]string // option → flag (optionFlags)
}

func newIPDCmd(e *env) *cobra.Command {
	f := &ipdFlags{}
	cmd := &cobra.Command{
		Use:     "ipd FILE [FILE...]",
		Short:   "IPD meta-analysis of session-level alliance effects (two-stage, with a one-stage cross-check)",
		Long:    helpText("ipd", "long"),
		Example: helpText("ipd", "example"),
		Args:    cobra.MinimumNArgs(1),
		RunE:    func(cmd *cobra.Command, args []string) error { return runIPD(e, f, args) },
	}
	f.read.register(cmd, "")
	rolesVar(cmd, &f.opt.Sessions.Columns)
	fl := cmd.Flags()
	bindOptions(cmd, &f.opt, workflow.IPDFields())
	listVar(cmd, &f.opt.Terms, "effect", "")
	_ = fl.MarkHidden("effect") // the first version's one-term flag
	wavesVar(cmd, &f.opt.Panel.Waves, "waves", "with --stage1 panel: the sessions used as waves in every study, a range 1:8 or a list 1,2,3,5 (default: those observed for at least half of all patients)")
	fl.BoolVar(&f.rcode, "r-code", false, "also print the R code (lme4, lmerTest, metafor) that reproduces both stages and the one-stage model")
	figureVar(cmd, &f.forest, "forest", "write the forest plot of the studies to `FILE` (.png, .svg, .pdf); with several terms, FILE-TERM.ext each")
	f.hints = optionFlags(cmd, map[string]string{"Panel.Waves": "--waves"}, &f.opt)
	return cmd
}

func runIPD(e *env, f *ipdFlags, args []string) error {
	var srcs []workflow.Source
	stdin := 0
	for _, a := range args {
		if a == "-" {
			if stdin++; stdin > 1 {
				return usagef("standard input (-) can be given once")
			}
		}
		src, err := f.read.source(e, []string{a}, "")
		if err != nil {
			return err
		}
		srcs = append(srcs, src)
	}
	opt := f.opt
	if f.forest != "" {
		opt.Figures = []string{"forest"}
	}
	stop := e.busy("fitting every study")
	run, err := workflow.IPDFiles(srcs, opt)
	stop()
	if err != nil {
		return withOptionFlag(err, f.hints)
	}
	if f.forest != "" {
		for _, p := range run.Pooled {
			path := f.forest
			if len(run.Pooled) > 1 {
				ext := filepath.Ext(path)
				path = strings.TrimSuffix(path, ext) + "-" + p.Term + ext
			}
			if err := e.saveNamedFigure(run.Section(), "forest-"+p.Term, path); err != nil {
				return err
			}
		}
	}
	rcode := func(w io.Writer) {
		if f.rcode {
			textout.RCode(w, textout.Format(e.format), run.Steps())
		}
	}
	return e.emitRun(run, run.Output(), tidyCSV(run.Tidy(), ""), rcode)
}
