package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/jsonout"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/change"
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

// load validates the table as session data.
func (sf *sessionFlags) load(t *datasets.Table, into string, need datasets.SessionOptions) (*datasets.Sessions, error) {
	cols := datasets.SessionColumns{Patient: sf.patient, Therapist: sf.therapist, Session: sf.session, Alliance: sf.alliance, Outcome: sf.outcome}
	if sf.wide != "" {
		if strings.Contains(sf.wide, ",") {
			need.Wide.Columns = splitList(sf.wide)
		} else {
			need.Wide.Prefix = sf.wide
		}
		need.Wide.Into = into
	}
	return t.Sessions(cols, need)
}

// gainsFlags are the flags of 'alliance gains'.
type gainsFlags struct {
	read            readFlags
	sess            sessionFlags
	score           string
	first, last     int
	cutoff          float64
	fromRCI         bool
	sd, reliability float64
	pct             float64
	noCutoff, noPct bool
	noStability     bool
	alpha           float64
	critical        float64
	baselineFirst   bool
	direction       string
	lossPct         string
	reversalFromN2  bool
	selectRule      string
	byPerson        bool
	plot            string
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
	f.IntVar(&gf.first, "first", math.MinInt, "first session to examine (default: the smallest session number)")
	f.IntVar(&gf.last, "last", math.MinInt, "last session to examine (default: the largest)")
	f.Float64Var(&gf.cutoff, "cutoff", math.NaN(), "criterion 1: minimum drop (for losses, minimum rise; given as a positive number)")
	f.BoolVar(&gf.fromRCI, "cutoff-from-rci", false, "criterion 1 from the reliable change index: 1.96·√2·SD·√(1 − reliability) (suddengains define_crit1_cutoff)")
	f.Float64Var(&gf.sd, "sd", math.NaN(), "with --cutoff-from-rci: the SD (default: the SD of the first session's scores)")
	f.Float64Var(&gf.reliability, "reliability", math.NaN(), "with --cutoff-from-rci: the reliability of the measure")
	f.Float64Var(&gf.pct, "pct", 0.25, "criterion 2: the drop as a proportion of the pregain score")
	f.BoolVar(&gf.noCutoff, "no-cutoff", false, "switch criterion 1 off")
	f.BoolVar(&gf.noPct, "no-pct", false, "switch criterion 2 off")
	f.BoolVar(&gf.noStability, "no-stability", false, "switch criterion 3 off")
	f.Float64Var(&gf.alpha, "alpha", 0.05, "criterion 3: significance level of the critical t")
	f.Float64Var(&gf.critical, "critical-value", math.NaN(), "criterion 3: a fixed critical value (e.g. 2.776) instead of one adjusted for missing sessions")
	f.BoolVar(&gf.baselineFirst, "baseline-first", false, "the first session is a baseline: examine from session 1→2 (identify_sg_1to2)")
	f.StringVar(&gf.direction, "direction", "gains", "gains (scores fall) or losses (scores rise)")
	f.StringVar(&gf.lossPct, "loss-pct", "package", "losses, criterion 2: package (suddengains 0.7.2, which does not restrict) or intended (rise ≥ pct of the pregain score)")
	f.BoolVar(&gf.reversalFromN2, "reversal-from-n2", false, "look for reversals from the second session after the gain (the package starts at the third)")
	f.StringVar(&gf.selectRule, "select", "first", "with --byperson: which gain of a patient with several: first, last, smallest or largest")
	f.StringVar(&gf.plot, "plot", "", "write the mean trajectory around the gains (suddengains' plot_sg) to `FILE` (.png, .svg, .pdf)")
	f.BoolVar(&gf.byPerson, "byperson", false, "one row per patient (create_byperson) instead of one per gain (create_bysg)")
	return cmd
}

// gainsOutput is the JSON document of 'alliance gains'.
type gainsOutput struct {
	Data      string                `json:"data"`
	Direction string                `json:"direction"`
	Criteria  gainsCriteria         `json:"criteria"`
	Gains     []change.Gain         `json:"gains,omitempty"`
	Losses    []change.Gain         `json:"losses,omitempty"`
	Summary   change.GainSummary    `json:"summary"`
	ByPerson  []change.Person       `json:"byperson,omitempty"`
	Persons   *change.PersonSummary `json:"person_summary,omitempty"`
	RCI       *change.Crit1Cutoff   `json:"rci_cutoff,omitempty"`
	Patients  int                   `json:"patients"`
	Sessions  [2]int                `json:"sessions"`
}

type gainsCriteria struct {
	Cutoff        *float64 `json:"cutoff"`
	Pct           *float64 `json:"pct"`
	Stability     bool     `json:"stability"`
	Alpha         float64  `json:"alpha"`
	CriticalValue *float64 `json:"critical_value,omitempty"`
	BaselineFirst bool     `json:"baseline_first"`
}

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
	var dir change.Direction
	switch strings.ToLower(gf.direction) {
	case "gains", "gain", "sg":
		dir = change.Gains
	case "losses", "loss", "sl":
		dir = change.Losses
	default:
		return usagef("--direction %q: give gains or losses", gf.direction)
	}
	sel, err := change.ParseSelect(strings.ToLower(gf.selectRule))
	if err != nil {
		return usageError{err}
	}
	src, err := gf.read.load(e, args, gainsDefaultDataset)
	if err != nil {
		return err
	}
	if src.embedded != nil && gf.sess.wide == "" && src.embedded.Wide.Prefix != "" {
		gf.sess.wide = src.embedded.Wide.Prefix
	}
	into := "outcome"
	if gf.score != "" && strings.EqualFold(gf.score, "alliance") {
		into = "alliance"
	}
	sess, err := gf.sess.load(src.table, into, datasets.SessionOptions{})
	if err != nil {
		return err
	}
	score, err := sessionScore(sess, gf.score)
	if err != nil {
		return err
	}
	first, last := gf.first, gf.last
	lo, hi := math.MaxInt, math.MinInt
	for _, s := range sess.Session {
		lo, hi = min(lo, s), max(hi, s)
	}
	if first == math.MinInt {
		first = lo
	}
	if last == math.MinInt {
		last = hi
	}
	if last-first < 3 {
		return usagef("sessions %d..%d: sudden gains need at least 4 sessions (set --first and --last)", first, last)
	}
	// Keep the rows in [first, last].
	var pid []string
	var sn []int
	var sc []float64
	for i, s := range sess.Session {
		if s >= first && s <= last {
			pid = append(pid, sess.Patient.Value(i))
			sn = append(sn, s)
			sc = append(sc, score[i])
		}
	}
	series, err := change.SeriesFromLong(pid, sn, sc, first, last)
	if err != nil {
		return usageError{err}
	}

	pct := gf.pct
	if pct > 1 && pct <= 100 {
		pct /= 100 // given in percent, as --level
	}
	if !(pct > 0 && pct <= 1) {
		return usagef("--pct %v: give the relative criterion as a proportion (e.g. .25) or a percentage (25)", gf.pct)
	}
	c := change.DefaultCriteria(dir, 0)
	c.Pct, c.NoPct, c.NoStability, c.Alpha = pct, gf.noPct, gf.noStability, gf.alpha
	c.BaselineFirst, c.ReversalFromN2 = gf.baselineFirst, gf.reversalFromN2
	if !math.IsNaN(gf.critical) {
		c.FixedCritical, c.CriticalValue = true, gf.critical
	}
	switch strings.ToLower(gf.lossPct) {
	case "package":
	case "intended":
		c.LossPct = change.LossPctIntended
	default:
		return usagef("--loss-pct %q: give package or intended", gf.lossPct)
	}
	out := gainsOutput{Direction: dir.String(), Patients: len(series), Sessions: [2]int{first, last}}
	switch {
	case gf.noCutoff:
		c.NoCutoff = true
	case gf.fromRCI:
		if math.IsNaN(gf.reliability) {
			return usagef("--cutoff-from-rci needs --reliability (e.g. .93)")
		}
		sd := gf.sd
		if math.IsNaN(sd) {
			firstScores := make([]float64, 0, len(series))
			for _, s := range series {
				firstScores = append(firstScores, s.Values[0])
			}
			sd = change.SampleSD(firstScores)
			e.infof("alliance: --sd not given: using the SD of the session-%d scores, %.4g", first, sd)
		}
		cc, err := change.DefineCrit1Cutoff(sd, gf.reliability)
		if err != nil {
			return usageError{err}
		}
		out.RCI = &cc
		c.Cutoff = cc.ReliableChange
	case !math.IsNaN(gf.cutoff):
		c.Cutoff = math.Abs(gf.cutoff)
	default:
		return usagef("give criterion 1: --cutoff X (e.g. 7 for the BDI), --cutoff-from-rci --reliability r, or --no-cutoff")
	}
	if dir == change.Losses {
		c.Cutoff = -math.Abs(c.Cutoff)
	}
	gains, err := change.ByGain(series, c)
	if err != nil {
		return usageError{err}
	}
	out.Data = sess.Name
	if src.embedded != nil {
		out.Data = src.embedded.Name
	}
	out.Criteria = gainsCriteria{Stability: !c.NoStability, Alpha: c.Alpha, BaselineFirst: c.BaselineFirst}
	if !c.NoCutoff {
		out.Criteria.Cutoff = &c.Cutoff
	}
	if !c.NoPct {
		out.Criteria.Pct = &c.Pct
	}
	if c.FixedCritical {
		out.Criteria.CriticalValue = &c.CriticalValue
	}
	if dir == change.Losses {
		out.Losses = gains
	} else {
		out.Gains = gains
	}
	out.Summary = change.DescribeGains(gains)
	if gf.byPerson {
		persons, err := change.ByPerson(series, gains, sel)
		if err != nil {
			return usageError{err}
		}
		out.ByPerson = persons
		ps := change.DescribePersons(persons)
		out.Persons = &ps
	}
	if gf.plot != "" {
		label := gf.score
		if label == "" {
			label = "Score"
		}
		fig, err := gainsFigure(gains, label)
		if err := e.saveFigure(fig, err, gf.plot); err != nil {
			return err
		}
	}
	return e.emit(func(w io.Writer) error {
		switch e.format {
		case "json":
			return jsonout.Write(w, out)
		case "csv":
			if gf.byPerson {
				return byPersonTable(out.ByPerson).csv(w)
			}
			return bysgTable(gains).csv(w)
		}
		return renderGains(w, e.format, &out, gains)
	})
}

// sessionScore returns the column of sess that holds the scores: the outcome
// by default, the alliance, or an extra numeric column.
func sessionScore(sess *datasets.Sessions, name string) ([]float64, error) {
	switch {
	case name == "" || strings.EqualFold(name, sess.Columns.Outcome) || strings.EqualFold(name, "outcome"):
		if sess.Outcome == nil {
			return nil, usagef("%s: no outcome column: name the score column with --score or --outcome", sess.Name)
		}
		return sess.Outcome, nil
	case strings.EqualFold(name, sess.Columns.Alliance) || strings.EqualFold(name, "alliance"):
		if sess.Alliance == nil {
			return nil, usagef("%s: no alliance column", sess.Name)
		}
		return sess.Alliance, nil
	}
	for _, v := range sess.Extra {
		if strings.EqualFold(v.Name, name) {
			if !v.Numeric {
				return nil, usagef("%s: column %q is not numeric", sess.Name, v.Name)
			}
			return v.Num, nil
		}
	}
	return nil, usagef("%s: column %q named by --score not found", sess.Name, name)
}

func bysgTable(gains []change.Gain) *table {
	t := &table{
		Columns: []string{"patient", "id_sg", "session", "freq_byperson", "x_2n", "x_1n", "x_n", "x_n1", "x_n2", "x_n3", "magnitude", "tx_change", "change_proportion", "reversal_value", "reversal"},
		Right:   []bool{false, false, true, true, true, true, true, true, true, true, true, true, true, true, false},
	}
	for _, g := range gains {
		f := func(x change.Float) string { return fnum(float64(x)) }
		t.Rows = append(t.Rows, []string{g.Patient, g.IDSG(), strconv.Itoa(g.Session), strconv.Itoa(g.FreqByPerson),
			f(g.X2n), f(g.X1n), f(g.Xn), f(g.Xn1), f(g.Xn2), f(g.Xn3), f(g.Magnitude), f(g.TxChange), f(g.ChangeProportion), f(g.ReversalValue), strconv.FormatBool(g.Reversal)})
	}
	return t
}

func byPersonTable(persons []change.Person) *table {
	t := &table{
		Columns: []string{"patient", "sg", "freq_byperson", "session", "magnitude", "change_proportion", "reversal"},
		Right:   []bool{false, false, true, true, true, true, false},
	}
	for _, p := range persons {
		row := []string{p.Patient, strconv.FormatBool(p.SG), strconv.Itoa(p.FreqByPerson), "", "", "", ""}
		if p.Gain != nil {
			row[3] = strconv.Itoa(p.Gain.Session)
			row[4] = fnum(float64(p.Gain.Magnitude))
			row[5] = fnum(float64(p.Gain.ChangeProportion))
			row[6] = strconv.FormatBool(p.Gain.Reversal)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func renderGains(w io.Writer, format string, o *gainsOutput, gains []change.Gain) error {
	word := "gains"
	if o.Direction == "losses" {
		word = "losses"
	}
	head := fmt.Sprintf("Sudden %s — %s, %d patients, sessions %d–%d", word, o.Data, o.Patients, o.Sessions[0], o.Sessions[1])
	if format == "markdown" {
		fmt.Fprintf(w, "## %s\n\n", head)
	} else {
		fmt.Fprintf(w, "%s\n\n", head)
	}
	var crit []string
	if o.Criteria.Cutoff != nil {
		crit = append(crit, fmt.Sprintf("change ≥ %s points", num(math.Abs(*o.Criteria.Cutoff), 3)))
	}
	if o.Criteria.Pct != nil {
		crit = append(crit, fmt.Sprintf("≥ %s%% of the pregain score", num(100**o.Criteria.Pct, 0)))
	}
	if o.Criteria.Stability {
		cv := "adjusted for missing sessions"
		if o.Criteria.CriticalValue != nil {
			cv = "fixed at " + num(*o.Criteria.CriticalValue, 3)
		}
		crit = append(crit, fmt.Sprintf("stable (t test of 3 sessions before vs after, alpha %s, critical value %s)", apa.NoZero(o.Criteria.Alpha, 2), cv))
	}
	fmt.Fprintf(w, "Criteria: %s.\n", strings.Join(crit, "; "))
	if o.RCI != nil {
		fmt.Fprintf(w, "Cutoff from the reliable change index: SD %s, reliability %s → SEM %s, S_diff %s, 1.96·S_diff = %s.\n",
			num(o.RCI.SD, 3), num(o.RCI.Reliability, 3), num(o.RCI.SEM, 3), num(o.RCI.SDiff, 3), num(o.RCI.ReliableChange, 3))
	}
	s := o.Summary
	people := map[string]bool{}
	for _, g := range gains {
		people[g.Patient] = true
	}
	fmt.Fprintf(w, "\n%d sudden %s in %d of %d patients; mean magnitude %s (SD %s); %d (%s%%) reversed.\n\n",
		len(gains), word, len(people), o.Patients, num(float64(s.SGMagnitudeM), 2), num(float64(s.SGMagnitudeSD), 2), s.SGReversalN, num(float64(s.SGReversalPct), 1))
	var t *table
	if o.ByPerson != nil {
		t = byPersonTable(o.ByPerson)
		t.Title = "One row per patient"
	} else {
		t = bysgTable(gains)
		t.Columns = []string{"patient", "session", "x_2n", "x_1n", "x_n", "x_n1", "x_n2", "x_n3", "magnitude", "proportion", "reversal"}
		t.Right = []bool{false, true, true, true, true, true, true, true, true, true, false}
		for i, g := range gains {
			f := func(x change.Float) string { return num(float64(x), 2) }
			t.Rows[i] = []string{g.Patient, strconv.Itoa(g.Session), f(g.X2n), f(g.X1n), f(g.Xn), f(g.Xn1), f(g.Xn2), f(g.Xn3), f(g.Magnitude), f(g.ChangeProportion), strconv.FormatBool(g.Reversal)}
		}
		t.Title = "Sudden " + word
	}
	return t.render(w, format)
}
