package workflow

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/rupture"
	"github.com/alliance-research/alliance/datasets"
)

// clean formats a value for tidy CSV without binary noise (12 significant
// digits: 0.3, not 0.30000000000000004).
func clean(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', 12, 64)
}

// classWords says each class's rule as the analysis applies it.
const classWords = "Patients are classed as: none (no rupture); repaired (every rupture repaired); unrepaired (at least one rupture not repaired although its whole repair window was observed); censored (no rupture observed unrepaired, but at least one whose repair window runs past the last session, so that its repair could not be observed); insufficient (too few sessions to apply the rule; left out of percentages and effects)."

func ruleWords(o rupture.Options) string {
	ref := "the previous session"
	if o.Reference == rupture.ReferenceMean {
		ref = fmt.Sprintf("the mean of the %d preceding sessions", o.Window)
		if o.Window == 0 {
			ref = "the mean of all preceding sessions"
		}
	}
	switch o.Method {
	case rupture.MethodSD:
		src := "the pooled within-patient SD of the sample"
		switch o.SDSource {
		case rupture.SDWithin:
			src = "the patient's own SD"
		case rupture.SDMax:
			src = "the larger of the patient's and the pooled within-patient SD"
		}
		s := fmt.Sprintf("at least %s × %s", apa.Num(o.K, 1), src)
		if o.SampleSD > 0 && o.SDSource != rupture.SDWithin {
			s += fmt.Sprintf(" (%s points)", apa.Num(o.SampleSD*o.K, 2))
		}
		return s + " (reference: " + ref + ")"
	case rupture.MethodThreshold:
		return fmt.Sprintf("at least %s points (reference: %s)", apa.Num(o.Threshold, 2), ref)
	case rupture.MethodPercent:
		return fmt.Sprintf("at least %s%% of the reference (%s)", apa.Num(o.Percent, 0), ref)
	case rupture.MethodRCI:
		return fmt.Sprintf("more than the reliable change 1.96·√2·s·√(1 − r) with r = %s (reference: %s)", apa.NoZero(o.Reliability, 2), ref)
	case rupture.MethodSuddenLoss:
		return "the sudden-loss criteria of Tang & DeRubeis (1999) applied to alliance falls"
	case rupture.MethodSelfReport:
		return fmt.Sprintf("a post-session rupture item of at least %s", apa.Num(o.RuptureMin, 1))
	}
	return string(o.Method)
}

func (r *RupturesRun) methodsText() string {
	o := r.Options
	rule := ruleWords(o)
	if r.Preset != "" {
		rule = fmt.Sprintf("the %s preset: %s", r.Preset, rule)
	}
	repair := fmt.Sprintf("it is repaired when, within %d sessions, the score regains %s of the drop", o.RepairWindow, apa.Num(100*o.RepairFraction, 0)+"%")
	if o.Method == rupture.MethodSelfReport {
		repair = fmt.Sprintf("it is repaired when, within %d sessions, the alliance returns to the reference (or the resolution item reaches %s)", o.RepairWindow, apa.Num(o.ResolutionMin, 1))
	}
	return fmt.Sprintf("A rupture is a session whose alliance falls below the reference by %s; %s (a V-shaped episode; Eubanks, Muran & Safran, 2018; Stiles et al., 2004). %s", rule, repair, classWords)
}

func (r *RupturesRun) compose() {
	o, s := r.opt, r.Summary
	r.data = r.dataPart()
	if d := s.Patients - s.Assessable; d > 0 {
		r.data.Dropped = append(r.data.Dropped, Dropped{Analysis: "ruptures", N: d, Unit: "patients", Reason: "too few alliance ratings to assess a rupture (class insufficient)"})
	}
	if s.Censored > 0 {
		r.note(Info, "%d of %d ruptures come too close to a patient's last session for the repair window to be observed (censored); patients whose only unrepaired ruptures are censored form the class censored, reported apart from repaired and unrepaired.", s.Censored, s.Episodes)
	}
	if !r.listed {
		r.ListsOmitted = &ListsOmitted{Patients: s.Patients, Episodes: s.Episodes, Limit: ListLimit,
			How: "write the full tables to files: the episode table with --episodes FILE, the per-patient classes with --patients FILE (.csv, .tsv or .parquet)"}
		if o.tablesHow != "" {
			r.ListsOmitted.How = o.tablesHow
		}
		r.note(Info, "%d patients: the per-episode and per-patient lists are not printed (only summaries, above %d patients); %s.", s.Patients, ListLimit, r.ListsOmitted.How)
	}
	if !r.hasOutcome && o.PreColumn == "" && o.PostColumn == "" {
		r.note(Info, "No outcome column: the classes are not related to outcome.")
	}
	rule := string(r.Options.Method)
	if r.Preset != "" {
		rule = "preset " + r.Preset
	}
	sec := &Section{ID: "ruptures", Title: fmt.Sprintf("Rupture–repair episodes — %s (%s)", r.DataName, rule)}
	r.sec = sec
	sec.P(Methods, r.methodsText())
	sec.P(Reading, fmt.Sprintf("%d of %d assessable patients (%s) had at least one rupture: %d episodes (%s per 100 sessions), of which %d (%s) were repaired and %d censored; the mean drop was %s points.",
		s.WithRupture, s.Assessable, pct(100*float64(s.RuptureRate)), s.Episodes, apa.Cell(float64(s.EpisodesPer100), 2), s.Repaired, pct(100*float64(s.RepairRate)), s.Censored, apa.Cell(float64(s.MeanDrop), 2)))
	sec.Add(r.classTable())
	if t := r.effectTable(); t != nil {
		sec.Add(t)
	}
	if sm := r.SessionModel; sm != nil {
		sec.P(Result, "Session-level model: "+sm.Formula)
		sec.P(Reading, sm.Text)
	}
	if len(r.PlotPatients) > 0 {
		title := "Rupture and repair of patient " + strings.Join(r.PlotPatients, ", ")
		sec.Add(&Figure{Name: "rupture-patient", Title: title,
			Caption: fmt.Sprintf("The patient's %s by session; filled triangles mark ruptures, open triangles repairs; for each episode the dotted line is its reference level and the dashed line its rupture threshold (reference minus the drop needed), from the session before the rupture to its repair or the end of its repair window; the grey dotted line is the patient's mean.", r.opt.AllianceLabel),
			Spec:    RuptureSpec{Series: r.series, Result: r.plotResult, Patients: r.PlotPatients, Label: capitalise(r.opt.AllianceLabel)}})
	}
	if len(r.Sensitivity) > 0 {
		sec.Add(r.sensitivityTable())
	}
	if o.Episodes && r.listed {
		t := r.Tidy()
		t.Title = "Episodes"
		sec.Add(t)
	}
	sec.P(NoteText, "Rupture criteria differ between studies and change the counts (Gumz et al., 2012); report the rule used and check the sensitivity table.")
	r.methods = append(r.methods, r.methodsText())
	r.cite("eubanks2018", "stiles2004", "gumz2012")
	if r.Options.Method == rupture.MethodSuddenLoss {
		r.cite("tang1999")
	}
	r.steps = []Step{{Purpose: "Rupture–repair episodes, classes and effects", Command: r.commandLine(), RCode: r.rCode()}}
}

func (r *RupturesRun) classTable() *Table {
	s := r.Summary
	t := &Table{Name: "classes", Title: "Patients by rupture–repair class", Columns: []string{"Class", "n", "%"}, Right: []bool{false, true, true},
		Notes: []string{classWords}}
	for _, c := range s.Classes {
		p := ""
		if !c.Percent.IsNA() {
			p = pct(float64(c.Percent))
		}
		t.Rows = append(t.Rows, []string{string(c.Class), strconv.Itoa(c.N), p})
	}
	if len(r.ClassOutcomes) > 0 {
		t.Columns = append(t.Columns, "n (outcome)", "First M (SD)", "Last M (SD)", "Change M (SD)")
		t.Right = append(t.Right, true, true, true, true)
		by := map[rupture.Class]rupture.ClassOutcome{}
		for _, x := range r.ClassOutcomes {
			by[x.Class] = x
		}
		for i, c := range s.Classes {
			x, ok := by[c.Class]
			if !ok {
				t.Rows[i] = append(t.Rows[i], "", "", "", "")
				continue
			}
			t.Rows[i] = append(t.Rows[i], strconv.Itoa(x.N), msd(float64(x.MeanPre), float64(x.SDPre)), msd(float64(x.MeanPost), float64(x.SDPost)), msd(float64(x.MeanChange), float64(x.SDChange)))
		}
		first := "the " + r.opt.OutcomeLabel + " at each patient's first and last session with a score"
		if r.opt.PreColumn != "" || r.opt.PostColumn != "" {
			first = "the pre and post scores"
		}
		t.Notes = append(t.Notes, "Percentages of assessable patients. First and last: "+first+".")
	} else {
		t.Notes = append(t.Notes, "Percentages of assessable patients.")
	}
	return t
}

func (r *RupturesRun) effectTable() *Table {
	if len(r.Effects) == 0 {
		return nil
	}
	lvl := apa.Level(r.opt.Level)
	t := &Table{Name: "effects", Title: fmt.Sprintf("Differences in %s between classes", r.opt.OutcomeLabel),
		Columns: []string{"Contrast", "n₁", "n₂", "Difference", "p", "g " + lvl + " CI", "r " + lvl + " CI", "yi (z)", "vi"},
		Right:   []bool{false, true, true, true, true, false, false, true, true}}
	for _, x := range r.Effects {
		if x.G.IsNA() {
			t.Rows = append(t.Rows, []string{x.Contrast, strconv.Itoa(x.N1), strconv.Itoa(x.N2), "", "", x.Note, "", "", ""})
			continue
		}
		t.Rows = append(t.Rows, []string{x.Contrast, strconv.Itoa(x.N1), strconv.Itoa(x.N2), apa.Cell(float64(x.Diff), 2), pcell(float64(x.P)),
			apa.Cell(float64(x.G), 2) + " " + interval(float64(x.CILB), float64(x.CIUB), 2, false),
			rnum(float64(x.R), 2) + " " + interval(float64(x.RCILB), float64(x.RCIUB), 2, true),
			apa.Cell(float64(x.YI), 4), apa.Cell(float64(x.VI), 4)})
	}
	t.Notes = append(t.Notes, "Positive values: the first class did better. g is Hedges' g; r the point-biserial correlation, yi its Fisher z and vi the variance of yi, ready to pool across studies (compare Eubanks et al., 2018: rupture repair and outcome, r = .29, d = .62).")
	t.Notes = append(t.Notes, r.EffectNotes...)
	return t
}

func (r *RupturesRun) sensitivityTable() *Table {
	t := &Table{Name: "sensitivity", Title: "Sensitivity of the counts to the rupture criterion",
		Columns: []string{"Preset", "Method", "Episodes", "Repaired", "No rupture", "Repaired class", "Unrepaired class", "Censored class", "Rupture rate"},
		Right:   []bool{false, false, true, true, true, true, true, true, true}}
	for _, x := range r.Sensitivity {
		if x.Error != "" {
			t.Rows = append(t.Rows, []string{x.Preset, string(x.Method), "", "", "", "", "", "", x.Error})
			continue
		}
		t.Rows = append(t.Rows, []string{x.Preset, string(x.Method), strconv.Itoa(x.Episodes), strconv.Itoa(x.Repaired), strconv.Itoa(x.None),
			strconv.Itoa(x.RepairedClass), strconv.Itoa(x.Unrepaired), strconv.Itoa(x.Censored), pct(100 * float64(x.RuptureRate))})
	}
	t.Notes = append(t.Notes, "Published rupture criteria differ and change the counts (Gumz et al., 2012); each preset names its source in the analysis/rupture documentation, with what was verified in the source and what is our reading.")
	return t
}

// episodeColumns are the columns of the episode table.
var episodeColumns = []string{"patient", "therapist", "episode", "session", "reference", "score", "drop", "drop_sd", "depth", "threshold", "repaired", "repair_session", "censored"}

// episodeRow is one episode's row of the episode table.
func episodeRow(ep rupture.Episode) []string {
	f := func(x rupture.Float) string { return clean(float64(x)) }
	rs := ""
	if ep.RepairSession.Valid {
		rs = strconv.Itoa(ep.RepairSession.V)
	}
	return []string{ep.Patient, ep.Therapist, strconv.Itoa(ep.Index), strconv.Itoa(ep.Session), f(ep.Reference), f(ep.Score), f(ep.Drop), f(ep.DropSD), f(ep.Depth), f(ep.Threshold), strconv.FormatBool(ep.Repaired), rs, strconv.FormatBool(ep.Censored)}
}

// Tidy is the one tidy table (CSV): every episode (none when the lists
// were not kept: see ListsOmitted).
func (r *RupturesRun) Tidy() *Table {
	t := &Table{Name: "episodes", Columns: episodeColumns,
		Right: []bool{false, false, true, true, true, true, true, true, true, true, false, true, false}}
	for _, ep := range r.Episodes {
		t.Rows = append(t.Rows, episodeRow(ep))
	}
	return t
}

// dataPart accounts for the session table: roles and counts.
func (r *RupturesRun) dataPart() *DataPart { return streamDataPart(r.src, r.cols, r.counts) }

// streamDataPart is sessionsDataPart for a table read patient by patient:
// the roles and the counts of its rows.
func streamDataPart(src Source, c datasets.SessionColumns, p *RupturesPart) *DataPart {
	d := &DataPart{Kind: "session", Source: src, Roles: map[string]string{}, Counts: map[string]int{}}
	for role, name := range map[string]string{"patient": c.Patient, "therapist": c.Therapist, "session": c.Session, "alliance": c.Alliance, "outcome": c.Outcome} {
		if name != "" {
			d.Roles[role] = name
		}
	}
	if p == nil {
		p = &RupturesPart{}
	}
	d.Counts["rows"], d.Counts["patients"] = p.Rows, p.Patients
	if c.Therapist != "" {
		d.Counts["therapists"] = len(p.Therapists)
	}
	if c.Alliance != "" {
		d.Counts["missing alliance"] = p.MissingAlliance
	}
	if c.Outcome != "" {
		d.Counts["missing outcome"] = p.MissingOutcome
	}
	return d
}

func (r *RupturesRun) commandLine() string {
	o := r.opt
	c := newCommand("ruptures", r.src)
	cols := o.Columns
	c.roles(cols)
	if r.Preset != "" {
		c.flag("preset", r.Preset)
	} else {
		ro := r.Options
		c.flag("method", string(ro.Method))
		switch ro.Method {
		case rupture.MethodSD:
			c.flag("k", rNum(ro.K))
			c.flag("sd-source", string(ro.SDSource))
		case rupture.MethodThreshold:
			c.flag("threshold", rNum(ro.Threshold))
		case rupture.MethodPercent:
			c.flag("percent", rNum(ro.Percent))
		case rupture.MethodRCI:
			c.flag("reliability", rNum(ro.Reliability))
			if o.RCISD != 0 {
				c.flag("sd", rNum(o.RCISD))
			}
		case rupture.MethodSelfReport:
			c.flag("rupture-item", o.RuptureItem)
			c.col("resolution-item", o.ResolutionItem)
		}
		c.flag("reference", string(ro.Reference))
		if ro.Reference == rupture.ReferenceMean {
			c.flag("window", strconv.Itoa(ro.Window))
		}
		c.flag("repair-window", strconv.Itoa(ro.RepairWindow))
		c.flag("repair-fraction", rNum(ro.RepairFraction))
		if ro.MaxGap != 0 {
			c.flag("max-gap", strconv.Itoa(ro.MaxGap))
		}
	}
	c.col("pre", o.PreColumn)
	c.col("post", o.PostColumn)
	if o.Measure != string(rupture.OutcomeChange) {
		c.flag("outcome-measure", o.Measure)
	}
	if o.HigherBetter {
		c.flag("better", "higher")
	}
	if o.Level != 0.95 {
		c.flag("level", levelPct(o.Level))
	}
	if o.Sensitivity {
		c.flag("sensitivity", "")
	}
	if o.NoSessionModel {
		c.flag("session-model=false", "")
	}
	return c.String()
}

// rCode reproduces the effects from the classes: R has no implementation
// of the rupture rule, so the classes are read from alliance's output; the
// outcomes by class, the two-group effects (t test, Hedges' g as metafor's
// escalc "SMD", the point-biserial r with its Fisher-z interval) and the
// ANCOVA of the post scores are computed in base R and printed as JSON.
// The episodes and the session-level model (lme4 on alliance's
// after-rupture indicators) are not reproduced here.
func (r *RupturesRun) rCode() string {
	if len(r.Effects) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("# The rupture rule has no R reference implementation: the classes come from\n")
	fmt.Fprintf(&b, "#   %s --format json --out ruptures.json\n", r.commandLine())
	b.WriteString("library(jsonlite)\nj <- fromJSON(\"ruptures.json\")\n")
	fmt.Fprintf(&b, "d <- %s\n", r.src.RRead())
	pat, ses := r.cols.Patient, r.cols.Session
	out := r.cols.Outcome
	fmt.Fprintf(&b, "d <- d[order(d[[%q]], d[[%q]]), ]; id <- as.character(d[[%q]])\n", pat, ses, pat)
	// each patient's first and last observed outcome, or the first
	// non-missing value of the pre and post columns
	first := func(col string, last bool) string {
		if last {
			return fmt.Sprintf("function(i) { v <- d[[%q]][id == i]; v <- v[!is.na(v)]; if (length(v) >= 2) v[length(v)] else NA }", col)
		}
		return fmt.Sprintf("function(i) { v <- d[[%q]][id == i]; v <- v[!is.na(v)]; if (length(v)) v[1] else NA }", col)
	}
	preF, postF := first(out, false), first(out, true)
	if r.opt.PreColumn != "" {
		preF = first(r.opt.PreColumn, false)
	}
	if r.opt.PostColumn != "" {
		postF = first(r.opt.PostColumn, false)
	}
	fmt.Fprintf(&b, "pre_of <- %s\npost_of <- %s\n", preF, postF)
	if r.listed {
		b.WriteString("p <- j$patients[j$patients$class != \"insufficient\", c(\"patient\", \"class\")]\n")
	} else { // the JSON holds no patient list: read the per-patient table
		fmt.Fprintf(&b, "#   %s --patients patients.csv\n", r.commandLine())
		b.WriteString("p <- read.csv(\"patients.csv\", colClasses = c(patient = \"character\"))\np <- p[p$class != \"insufficient\", c(\"patient\", \"class\")]\n")
	}
	b.WriteString("p$pre <- sapply(p$patient, pre_of); p$post <- sapply(p$patient, post_of)\n")
	y := "p$post - p$pre"
	if r.opt.Measure == string(rupture.OutcomePost) {
		y = "p$post"
	}
	sign := "-1"
	if r.opt.HigherBetter {
		sign = "1"
	}
	fmt.Fprintf(&b, "p$y <- %s; s <- %s   # s: 1 when higher outcomes are better, -1 when lower\nlevel <- %s\n", y, sign, rNum(r.opt.Level))
	fmt.Fprintf(&b, "change <- %s\n", map[bool]string{true: "TRUE", false: "FALSE"}[r.opt.Measure != string(rupture.OutcomePost)])
	b.WriteString(`classes <- c("none", "repaired", "unrepaired", "censored")
msd <- function(x) { x <- x[!is.na(x)]; c(m = if (length(x)) mean(x) else NA, sd = if (length(x) > 1) sd(x) else NA) }
class_outcomes <- lapply(classes, function(k) { q <- p[p$class == k, ]
  a <- msd(q$pre); b <- msd(q$post); c <- msd(q$y)
  list(class = k, n = sum(!is.na(q$y)), mean_pre = a[[1]], sd_pre = a[[2]], mean_post = b[[1]], sd_post = b[[2]],
    mean_change = if (change) c[[1]] else NA, sd_change = if (change) c[[2]] else NA) })
two <- function(g1, g2) {   # group g1 against g2: t test, Hedges' g, point-biserial r
  y1 <- p$y[p$class == g1 & !is.na(p$y)]; y2 <- p$y[p$class == g2 & !is.na(p$y)]
  n1 <- length(y1); n2 <- length(y2); n <- n1 + n2; e <- list(contrast = paste(g1, "vs", g2), n1 = n1, n2 = n2, n = n, df = max(0, n - 2))
  e <- c(e, list(mean1 = mean(y1), mean2 = mean(y2), sd1 = if (n1 > 1) sd(y1) else NA, sd2 = if (n2 > 1) sd(y2) else NA))
  if (n1 < 2 || n2 < 2) return(e)
  tt <- t.test(y1, y2, var.equal = TRUE, conf.level = level)   # tt$estimate: the means
  diff <- s * (mean(y1) - mean(y2)); se <- unname(tt$stderr); tc <- qt(1 - (1 - level) / 2, n - 2); zc <- qnorm(1 - (1 - level) / 2)
  sp <- sqrt(((n1 - 1) * var(y1) + (n2 - 1) * var(y2)) / (n - 2))
  es <- metafor::escalc("SMD", m1i = s * mean(y1), sd1i = sd(y1), n1i = n1, m2i = s * mean(y2), sd2i = sd(y2), n2i = n2)
  r <- s * (mean(y1) - mean(y2)) / sd(c(y1, y2)) * sqrt(n1 * n2 / (n * (n - 1))); z <- atanh(r); vz <- 1 / (n - 3)
  c(e, list(diff = diff, se_diff = se, t = diff / se,
    p = 2 * pt(-abs(diff / se), n - 2), diff_ci_lb = diff - tc * se, diff_ci_ub = diff + tc * se, d = diff / sp,
    g = c(es$yi), vg = c(es$vi), ci_lb = c(es$yi) - zc * sqrt(c(es$vi)), ci_ub = c(es$yi) + zc * sqrt(c(es$vi)),
    r = r, r_ci_lb = tanh(z - zc * sqrt(vz)), r_ci_ub = tanh(z + zc * sqrt(vz)), yi = z, vi = vz))
}
effects <- list(two("repaired", "unrepaired"), two("repaired", "none"), two("unrepaired", "none"))
if (any(p$class == "censored" & !is.na(p$y))) effects[[4]] <- two("censored", "none")
# ANCOVA of the post scores on class and pre (reference: no rupture)
a <- p[!is.na(p$pre) & !is.na(p$post), ]; a$class <- factor(a$class, intersect(classes, a$class))
fit <- lm(post ~ class + pre, data = a); cf <- summary(fit)$coefficients; ci <- confint(fit, level = level)
row <- function(name, est, se) { t <- est / se
  list(name = name, estimate = est, se = se, statistic = t, df = fit$df.residual, p = 2 * pt(-abs(t), fit$df.residual),
    ci_lb = est - qt(1 - (1 - level) / 2, fit$df.residual) * se, ci_ub = est + qt(1 - (1 - level) / 2, fit$df.residual) * se) }
coefs <- lapply(seq_len(nrow(cf)), function(i) row(rownames(cf)[i], cf[i, 1], cf[i, 2]))
V <- vcov(fit); contr <- list()
for (pr in list(c("repaired", "unrepaired"), c("repaired", "none"), c("unrepaired", "none"), c("censored", "none"))) {
  if (!all(pr %in% levels(a$class))) next
  w <- setNames(numeric(length(coef(fit))), names(coef(fit)))
  if (pr[1] != "none") w[paste0("class", pr[1])] <- 1
  if (pr[2] != "none") w[paste0("class", pr[2])] <- -1
  contr[[length(contr) + 1]] <- row(paste(pr[1], "-", pr[2]), sum(w * coef(fit)), sqrt(c(t(w) %*% V %*% w)))
}
ancova <- list(n = nrow(a), df = fit$df.residual, coefficients = coefs, contrasts = contr, sigma = summary(fit)$sigma,
  r_squared = summary(fit)$r.squared)
cat(toJSON(list(class_outcomes = class_outcomes, effects = effects, ancova = ancova), digits = NA, auto_unbox = TRUE, na = "null"), "\n")
`)
	return b.String()
}
