package main

import (
	"io"
	"strings"

	"github.com/alliance-research/alliance/analysis/jsonout"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
	"github.com/spf13/cobra"
)

// sessionFlags are the column flags shared by the session-data commands.
type sessionFlags struct {
	patient, therapist, session, alliance, outcome string
	wide                                           string
}

func (sf *sessionFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&sf.patient, "patient", "", "patient id column (default: patient or id)")
	f.StringVar(&sf.therapist, "therapist", "", "therapist id column (default: therapist)")
	f.StringVar(&sf.session, "session", "", "session number column (default: session)")
	f.StringVar(&sf.alliance, "alliance", "", "alliance score column (default: alliance)")
	f.StringVar(&sf.outcome, "outcome", "", "outcome (symptom) column (default: outcome)")
	f.StringVar(&sf.wide, "wide", "", "wide data, one row per patient: a column prefix (e.g. bdi_s) or a comma-separated list of session columns")
}

// columns returns the role columns and the wide layout of the flags.
func (sf *sessionFlags) columns() (datasets.SessionColumns, datasets.WideSpec) {
	cols := datasets.SessionColumns{Patient: sf.patient, Therapist: sf.therapist, Session: sf.session, Alliance: sf.alliance, Outcome: sf.outcome}
	var w datasets.WideSpec
	if sf.wide != "" {
		if strings.Contains(sf.wide, ",") {
			w.Columns = splitList(sf.wide)
		} else {
			w.Prefix = sf.wide
		}
	}
	return cols, w
}

// gainsFlags are the flags of 'alliance gains'.
type gainsFlags struct {
	read            readFlags
	sess            sessionFlags
	score           string
	first, last     optInt
	cutoff          optFloat
	fromRCI         bool
	sd, reliability optFloat
	pct             float64
	noCutoff, noPct bool
	noStability     bool
	alpha           float64
	critical        optFloat
	baselineFirst   bool
	direction       string
	lossPct         string
	reversalFromN2  bool
	selectRule      string
	byPerson        bool
	plot            string
	level           float64
}

const gainsDefaultDataset = "sgdata"

func newGainsCmd(e *env) *cobra.Command {
	gf := &gainsFlags{}
	cmd := &cobra.Command{
		Use:   "gains [FILE]",
		Short: "Sudden gains and sudden losses (Tang & DeRubeis 1999; suddengains 0.7.2)",
		Long: `Finds sudden gains (or losses) in session-by-session symptom scores with the
three criteria of Tang & DeRubeis (1999), exactly as the R package
suddengains 0.7.2 (create_bysg, create_byperson, describe_sg):

  1. absolute: the drop from session n to n+1 is at least --cutoff
     (or the reliable change value, --cutoff-from-rci --reliability r [--sd s]);
  2. relative: the drop is at least --pct (25%) of the score at n;
  3. stability: mean of up to 3 sessions before vs up to 3 after differ by more
     than t(alpha, df)·pooled SD, the critical t adjusted for missing sessions
     (2.776, 3.182, 4.303 at alpha .05) unless --critical-value fixes it.

Scores: the outcome column of long data (patient, session, outcome; --score
names another column) or wide data with --wide PREFIX (e.g. bdi_s).

JSON: the list is "gains" for both directions; "direction" says whether it
holds sudden gains or sudden losses.

Without FILE the embedded sgdata are analysed as in the suddengains vignette:
--wide bdi_s --first 1 --last 12 --cutoff 7 (24 sudden gains).`,
		Example: `  alliance gains                                    # the suddengains vignette
  alliance gains sessions.csv --cutoff 5 --byperson --select largest
  alliance gains sessions.csv --cutoff-from-rci --reliability .93 --direction losses
  alliance gains --dataset demo-sessions --score alliance --direction losses --cutoff-from-rci --reliability .9`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runGains(e, cmd, gf, args) },
	}
	f := cmd.Flags()
	gf.read.register(cmd, gainsDefaultDataset)
	gf.sess.register(cmd)
	f.StringVar(&gf.score, "score", "", "column holding the scores of long data (default: the outcome column)")
	f.Var(&gf.first, "first", "first session to examine (default: the smallest session number)")
	f.Var(&gf.last, "last", "last session to examine (default: the largest)")
	f.Var(&gf.cutoff, "cutoff", "criterion 1: minimum drop (for losses, minimum rise; given as a positive number)")
	f.BoolVar(&gf.fromRCI, "cutoff-from-rci", false, "criterion 1 from the reliable change index: 1.96·√2·SD·√(1 − reliability) (suddengains define_crit1_cutoff)")
	f.Var(&gf.sd, "sd", "with --cutoff-from-rci: the SD (default: the SD of the first session's scores)")
	f.Var(&gf.reliability, "reliability", "with --cutoff-from-rci: the reliability of the measure")
	f.Float64Var(&gf.pct, "pct", 0.25, "criterion 2: the drop as a proportion of the pregain score")
	f.BoolVar(&gf.noCutoff, "no-cutoff", false, "switch criterion 1 off")
	f.BoolVar(&gf.noPct, "no-pct", false, "switch criterion 2 off")
	f.BoolVar(&gf.noStability, "no-stability", false, "switch criterion 3 off")
	f.Float64Var(&gf.alpha, "alpha", 0.05, "criterion 3: significance level of the critical t")
	f.Var(&gf.critical, "critical-value", "criterion 3: a fixed critical value (e.g. 2.776) instead of one adjusted for missing sessions")
	f.BoolVar(&gf.baselineFirst, "baseline-first", false, "the first session is a baseline: examine from session 1→2 (identify_sg_1to2)")
	f.StringVar(&gf.direction, "direction", "gains", "gains (scores fall) or losses (scores rise)")
	f.StringVar(&gf.lossPct, "loss-pct", "package", "losses, criterion 2: package (suddengains 0.7.2, which does not restrict) or intended (rise ≥ pct of the pregain score)")
	f.BoolVar(&gf.reversalFromN2, "reversal-from-n2", false, "look for reversals from the second session after the gain (the package starts at the third)")
	f.StringVar(&gf.selectRule, "select", "first", "with --byperson: which gain of a patient with several: first, last, smallest or largest")
	f.StringVar(&gf.plot, "plot", "", "write the mean trajectory around the gains (suddengains' plot_sg) to `FILE` (.png, .svg, .pdf)")
	f.BoolVar(&gf.byPerson, "byperson", false, "one row per patient (create_byperson) instead of one per gain (create_bysg)")
	f.Float64Var(&gf.level, "level", 95, "confidence level of the intervals of --plot, in percent")
	return cmd
}

var gainsOptionFlags = map[string]string{"Pct": "--pct", "Select": "--select", "Cutoff": "--cutoff, --cutoff-from-rci --reliability r, or --no-cutoff",
	"SD": "--sd with --cutoff-from-rci", "Reliability": "--reliability", "First": "--first and --last", "Level": "--level"}

func runGains(e *env, cmd *cobra.Command, gf *gainsFlags, args []string) error {
	if len(args) == 0 && gf.read.dataset == "" {
		set := func(name, val string) {
			if !cmd.Flags().Changed(name) {
				_ = cmd.Flags().Set(name, val)
			}
		}
		set("wide", "bdi_s")
		set("first", "1")
		set("last", "12")
		if !cmd.Flags().Changed("cutoff-from-rci") {
			set("cutoff", "7")
		}
		e.infof("alliance: example settings as the suddengains vignette: --wide bdi_s --first 1 --last 12 --cutoff 7")
	}
	if err := checkFigurePath("--plot", gf.plot); err != nil {
		return err
	}
	opt := workflow.GainsOptions{Score: gf.score, Pct: gf.pct, NoPct: gf.noPct, NoStability: gf.noStability, Alpha: gf.alpha,
		CriticalValue: gf.critical.value(), BaselineFirst: gf.baselineFirst, ReversalFromN2: gf.reversalFromN2, ByPerson: gf.byPerson, Select: gf.selectRule}
	switch strings.ToLower(gf.direction) {
	case "gains", "gain", "sg":
	case "losses", "loss", "sl":
		opt.Losses = true
	default:
		return usagef("--direction %q: give gains or losses", gf.direction)
	}
	switch strings.ToLower(gf.lossPct) {
	case "package":
	case "intended":
		opt.LossPctIntended = true
	default:
		return usagef("--loss-pct %q: give package or intended", gf.lossPct)
	}
	switch {
	case gf.noCutoff:
		opt.NoCutoff = true
	case gf.fromRCI:
		if gf.reliability.value() == nil {
			return usagef("--cutoff-from-rci needs --reliability (e.g. .93)")
		}
		opt.Reliability, opt.SD = gf.reliability.value(), gf.sd.value()
	default:
		opt.Cutoff = gf.cutoff.value()
	}
	opt.First, opt.Last = gf.first.p, gf.last.p
	level, err := parseLevel(gf.level)
	if err != nil {
		return err
	}
	opt.Level = level
	src, err := gf.read.load(e, args, gainsDefaultDataset)
	if err != nil {
		return err
	}
	if src.embedded != nil && gf.sess.wide == "" && src.embedded.Wide.Prefix != "" {
		gf.sess.wide = src.embedded.Wide.Prefix
	}
	opt.Columns, opt.Wide = gf.sess.columns()
	stop := e.busy("sudden gains")
	run, err := workflow.Gains(e.describe(src), opt)
	stop()
	if err != nil {
		return withOptionFlag(err, gainsOptionFlags)
	}
	if gf.plot != "" {
		if err := e.saveNamedFigure(run.Section(), "sudden-gains", gf.plot); err != nil {
			return err
		}
	}
	return e.emit(func(w io.Writer) error {
		switch e.format {
		case "json":
			return jsonout.Write(w, run)
		case "csv":
			return renderCSV(w, &workflow.Section{Blocks: []workflow.Block{run.Tidy()}}, "")
		}
		renderNotes(w, run.TopNotes())
		return renderSection(w, e.format, run.Section())
	})
}
