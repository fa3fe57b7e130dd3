package workflow

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/change"
)

func (r *GainsRun) word() string { return r.Direction }

// one is the singular of word: "gain" or "loss".
func (r *GainsRun) one() string {
	if r.Direction == "losses" {
		return "loss"
	}
	return "gain"
}

func (r *GainsRun) compose() {
	o, c := r.opt, r.crit
	if r.streamed {
		r.data = streamDataPart(r.src, r.cols, r.counts)
	} else {
		r.data = sessionsDataPart(r.src, r.ss)
	}
	r.data.Counts["patients analysed"] = r.Patients
	listed := r.Patients <= ListLimit
	if !listed {
		r.ListsOmitted = &ListsOmitted{Patients: r.Patients, Episodes: r.Summary.TotalN, Limit: ListLimit,
			How: "write the full tables to files: one row per " + r.one() + " with --episodes FILE, one row per patient (with --byperson) with --patients FILE (.csv, .tsv or .parquet)"}
		if o.tablesHow != "" {
			r.ListsOmitted.How = o.tablesHow
		}
		r.note(Info, "%d patients: the per-%s and per-patient lists are not printed (only summaries, above %d patients); %s.", r.Patients, r.one(), ListLimit, r.ListsOmitted.How)
	}
	if r.RCI != nil && o.SD == nil {
		src := ""
		if o.ReliabilitySource != "" {
			src = " (" + o.ReliabilitySource + ")"
		}
		r.note(Info, "Criterion 1 is the reliable change value from the reliability %s%s and the SD of the session-%d scores, %s.", apa.NoZero(r.RCI.Reliability, 2), src, r.Sessions[0], apa.Num(r.RCI.SD, 3))
	}
	if o.Losses && !o.LossPctIntended && !o.NoPct {
		r.note(Info, "Sudden losses: criterion 2 is applied as suddengains 0.7.2 does, which does not restrict rises (see the loss-pct option).")
	}
	word := r.word()
	s := &Section{ID: "gains", Title: fmt.Sprintf("Sudden %s — %s, %d patients, sessions %d–%d", word, r.DataName, r.Patients, r.Sessions[0], r.Sessions[1])}
	r.sec = s
	var crit []string
	if !c.NoCutoff {
		crit = append(crit, fmt.Sprintf("change ≥ %s points", apa.Cell(math.Abs(c.Cutoff), 3)))
	}
	if !c.NoPct {
		crit = append(crit, fmt.Sprintf("≥ %s%% of the pregain score", apa.Cell(100*c.Pct, 0)))
	}
	if !c.NoStability {
		cv := "adjusted for missing sessions"
		if c.FixedCritical {
			cv = "fixed at " + apa.Cell(c.CriticalValue, 3)
		}
		crit = append(crit, fmt.Sprintf("stable (t test of 3 sessions before vs after, alpha %s, critical value %s)", apa.NoZero(c.Alpha, 2), cv))
	}
	s.P(Plain, "Criteria: "+strings.Join(crit, "; ")+".")
	if cc := r.RCI; cc != nil {
		s.P(Plain, fmt.Sprintf("Cutoff from the reliable change index: SD %s, reliability %s → SEM %s, S_diff %s, 1.96·S_diff = %s.",
			apa.Cell(cc.SD, 3), apa.Cell(cc.Reliability, 3), apa.Cell(cc.SEM, 3), apa.Cell(cc.SDiff, 3), apa.Cell(cc.ReliableChange, 3)))
	}
	s.P(Methods, r.methodsText())
	sm := r.Summary
	s.P(Reading, fmt.Sprintf("%d sudden %s in %d of %d patients (%s); mean magnitude %s points (SD %s); %d (%s) reversed.",
		r.Summary.TotalN, word, r.WithGain, r.Patients, pct(100*float64(r.WithGain)/float64(max(1, r.Patients))),
		apa.Cell(float64(sm.SGMagnitudeM), 2), apa.Cell(float64(sm.SGMagnitudeSD), 2), sm.SGReversalN, pct(float64(sm.SGReversalPct))))
	if !listed {
		// the lists are not printed (ListsOmitted)
	} else if r.ByPerson != nil {
		t := r.personTable(false)
		t.Title = "One row per patient"
		s.Add(t)
	} else {
		t := &Table{Name: "gains", Title: "Sudden " + word, Columns: []string{"Patient", "Session", "N−2", "N−1", "N", "N+1", "N+2", "N+3", "Magnitude", "Proportion", "Reversal"},
			Right: []bool{false, true, true, true, true, true, true, true, true, true, false}}
		for _, g := range r.Gains {
			f := func(x change.Float) string { return apa.Cell(float64(x), 2) }
			t.Rows = append(t.Rows, []string{g.Patient, strconv.Itoa(g.Session), f(g.X2n), f(g.X1n), f(g.Xn), f(g.Xn1), f(g.Xn2), f(g.Xn3), f(g.Magnitude), f(g.ChangeProportion), strconv.FormatBool(g.Reversal)})
		}
		t.Notes = append(t.Notes, "N is the pregain session, N+1 the postgain session; scores at the sessions around each "+r.one()+"; NA: not observed.")
		s.Add(t)
	}
	if r.dropped {
		r.note(Info, "The figure of the course around the %ss is not drawn: above %d patients the %ss are not kept in memory unless the figure or the CSV table is asked for.", r.one(), ListLimit, r.one())
	} else if len(r.Gains) > 0 {
		s.Add(&Figure{Name: "sudden-gains", Title: fmt.Sprintf("Course of the %s around sudden %s", r.label, word),
			Caption: fmt.Sprintf("Mean %s at the two sessions before the pregain session (N−2, N−1), the pregain session N, the postgain session N+1 and two sessions after, with %s confidence intervals; the dashed line marks the %s.", r.label, apa.Level(o.Level), r.one()),
			Spec:    SuddenGainSpec{Gains: r.Gains, Label: capitalise(r.label), Level: o.Level}})
	}
	r.methods = append(r.methods, r.methodsText())
	r.cite("tang1999", "wiedemann2020")
	r.steps = []Step{{Purpose: "Sudden " + word, Command: r.commandLine(), RCode: r.rCode()}}
	r.allGains, r.allPersons = r.Gains, r.ByPerson
	if !listed {
		r.Gains, r.ByPerson = nil, nil
	}
}

// gainColumns are the columns of the bysg table.
var gainColumns = []string{"patient", "id_sg", "session", "freq_byperson", "x_2n", "x_1n", "x_n", "x_n1", "x_n2", "x_n3", "magnitude", "tx_change", "change_proportion", "reversal_value", "reversal"}

// gainRow is one gain's row of the bysg table.
func gainRow(g change.Gain) []string {
	f := func(x change.Float) string { return full(float64(x)) }
	return []string{g.Patient, g.IDSG(), strconv.Itoa(g.Session), strconv.Itoa(g.FreqByPerson),
		f(g.X2n), f(g.X1n), f(g.Xn), f(g.Xn1), f(g.Xn2), f(g.Xn3), f(g.Magnitude), f(g.TxChange), f(g.ChangeProportion), f(g.ReversalValue), strconv.FormatBool(g.Reversal)}
}

// personColumns are the columns of the byperson table.
var personColumns = []string{"patient", "sg", "freq_byperson", "session", "magnitude", "change_proportion", "reversal"}

// personRow is one patient's row of the byperson table, numbers formatted by f.
func personRow(p change.Person, f func(float64) string) []string {
	row := []string{p.Patient, strconv.FormatBool(p.SG), strconv.Itoa(p.FreqByPerson), "", "", "", ""}
	if p.Gain != nil {
		row[3], row[4], row[5], row[6] = strconv.Itoa(p.Gain.Session), f(float64(p.Gain.Magnitude)), f(float64(p.Gain.ChangeProportion)), strconv.FormatBool(p.Gain.Reversal)
	}
	return row
}

// Tidy is the one tidy table (CSV): one row per gain as create_bysg, or
// one per patient as create_byperson (every gain or patient, also when the
// lists are left out of JSON and text).
func (r *GainsRun) Tidy() *Table {
	if r.allPersons != nil {
		return r.personTable(true)
	}
	return r.BySG()
}

// BySG is the table of every gain (create_bysg), whatever ByPerson says.
func (r *GainsRun) BySG() *Table {
	t := &Table{Name: "bysg", Columns: gainColumns,
		Right: []bool{false, false, true, true, true, true, true, true, true, true, true, true, true, true, false}}
	for _, g := range r.allGains {
		t.Rows = append(t.Rows, gainRow(g))
	}
	return t
}

func (r *GainsRun) personTable(tidy bool) *Table {
	t := &Table{Name: "byperson", Columns: personColumns,
		Right: []bool{false, false, true, true, true, true, false}}
	f := func(x float64) string { return apa.Cell(x, 2) }
	if tidy {
		f = full
	}
	persons := r.ByPerson
	if tidy {
		persons = r.allPersons
	}
	for _, p := range persons {
		t.Rows = append(t.Rows, personRow(p, f))
	}
	return t
}

func (r *GainsRun) methodsText() string {
	c := r.crit
	word := r.word()
	var parts []string
	n := 0
	next := func() string { n++; return "(" + strconv.Itoa(n) + ") " }
	if !c.NoCutoff {
		if cc := r.RCI; cc != nil {
			src := ""
			if r.opt.ReliabilitySource != "" {
				src = " (" + r.opt.ReliabilitySource + ")"
			}
			sd := "the SD of the first session's scores"
			if r.opt.SD != nil {
				sd = "the SD given"
			}
			parts = append(parts, next()+fmt.Sprintf("the change from one session to the next is at least the reliable change value, 1.96·√2·SD·√(1 − r) = %s points, with SD = %s, %s, and r = %s%s",
				apa.Num(cc.ReliableChange, 2), apa.Num(cc.SD, 2), sd, apa.NoZero(cc.Reliability, 2), src))
		} else {
			parts = append(parts, next()+fmt.Sprintf("the change from one session to the next is at least %s points", apa.Num(math.Abs(c.Cutoff), 2)))
		}
	}
	if !c.NoPct {
		parts = append(parts, next()+fmt.Sprintf("it is at least %s%% of the pregain score", apa.Num(100*c.Pct, 0)))
	}
	if !c.NoStability {
		cv := "critical value adjusted for missing sessions"
		if c.FixedCritical {
			cv = "critical value " + apa.Num(c.CriticalValue, 3)
		}
		parts = append(parts, next()+fmt.Sprintf("the mean of the three sessions before differs from the mean of the three after (t test, %s)", cv))
	}
	return fmt.Sprintf("Sudden %s in the %s were identified with the criteria of Tang & DeRubeis (1999), as the R package suddengains (Wiedemann, Thew, Stott & Ehlers, 2020): %s.", word, r.label, strings.Join(parts, "; "))
}

func (r *GainsRun) commandLine() string {
	o := r.opt
	c := newCommand("gains", r.src)
	cols := o.Columns
	c.col("patient", cols.Patient)
	c.col("session", cols.Session)
	if o.Score == "" {
		c.col("outcome", cols.Outcome)
	}
	c.col("alliance", cols.Alliance)
	if o.Wide.Prefix != "" {
		c.flag("wide", o.Wide.Prefix)
	} else if len(o.Wide.Columns) > 0 {
		c.flag("wide", strings.Join(o.Wide.Columns, ","))
	}
	c.col("outcome", o.Score)
	c.flag("first", strconv.Itoa(r.Sessions[0]))
	c.flag("last", strconv.Itoa(r.Sessions[1]))
	switch {
	case o.NoCutoff:
		c.flag("no-cutoff", "")
	case o.Reliability != nil:
		c.flag("cutoff-from-rci", "")
		c.flag("reliability", rNum(*o.Reliability))
		if o.SD != nil {
			c.flag("sd", rNum(*o.SD))
		}
	default:
		c.flag("cutoff", rNum(math.Abs(*o.Cutoff)))
	}
	if o.Losses {
		c.flag("direction", "losses")
	}
	if o.NoPct {
		c.flag("no-pct", "")
	} else if o.Pct != 0.25 {
		c.flag("pct", rNum(o.Pct))
	}
	if o.NoStability {
		c.flag("no-stability", "")
	}
	if o.Alpha != 0.05 {
		c.flag("alpha", rNum(o.Alpha))
	}
	if o.CriticalValue != nil {
		c.flag("critical-value", rNum(*o.CriticalValue))
	}
	if o.BaselineFirst {
		c.flag("baseline-first", "")
	}
	if o.LossPctIntended {
		c.flag("loss-pct", "intended")
	}
	if o.ReversalFromN2 {
		c.flag("reversal-from-n2", "")
	}
	if o.ByPerson {
		c.flag("byperson", "")
		c.flag("select", o.Select)
	}
	if o.Level != 0.95 {
		c.flag("level", levelPct(o.Level))
	}
	return c.String()
}

// rCode reproduces the analysis in base R: the suddengains package is not
// in every R installation (not in Debian), so the Tang & DeRubeis (1999)
// criteria are computed explicitly, as suddengains 0.7.2 applies them
// (identify_sg / identify_sl, create_bysg, create_byperson, describe_sg),
// and the package's call is kept as a commented alternative. The code
// prints every number of alliance's output as one line of JSON.
func (r *GainsRun) rCode() string {
	o, c := r.opt, r.crit
	var b strings.Builder
	b.WriteString("# Sudden gains by the Tang & DeRubeis (1999) criteria, computed in base R as\n")
	b.WriteString("# suddengains 0.7.2 applies them (the package call is at the end, commented).\n")
	fmt.Fprintf(&b, "d <- %s\n", r.src.RRead())
	idVar := r.cols.Patient
	if o.Wide.Prefix != "" || len(o.Wide.Columns) > 0 {
		if o.Wide.Prefix != "" {
			fmt.Fprintf(&b, "vars <- paste0(%q, %d:%d)\n", o.Wide.Prefix, r.Sessions[0], r.Sessions[1])
		} else {
			fmt.Fprintf(&b, "vars <- c(%s)\n", quoteAll(o.Wide.Columns))
		}
	} else {
		// long to wide: one column per session
		fmt.Fprintf(&b, "d <- d[d[[%q]] >= %d & d[[%q]] <= %d, c(%q, %q, %q)]\n", r.cols.Session, r.Sessions[0], r.cols.Session, r.Sessions[1], idVar, r.cols.Session, r.col)
		fmt.Fprintf(&b, "d <- reshape(d, idvar = %q, timevar = %q, direction = \"wide\")\n", idVar, r.cols.Session)
		fmt.Fprintf(&b, "vars <- paste0(%q, %d:%d)\n", r.col+".", r.Sessions[0], r.Sessions[1])
		b.WriteString("for (v in setdiff(vars, names(d))) d[[v]] <- NA   # sessions nobody attended\n")
	}
	fmt.Fprintf(&b, "x <- as.matrix(d[, vars]); ids <- as.character(d[[%q]])\n", idVar)
	sign := "1"
	if o.Losses {
		sign = "-1"
	}
	fmt.Fprintf(&b, "s <- %s   # 1: gains (scores fall), -1: losses (scores rise)\n", sign)
	cut := "NA"
	if cc := r.RCI; cc != nil {
		sd := rNum(cc.SD)
		if o.SD == nil {
			sd = "sd(x[, 1], na.rm = TRUE)"
		}
		fmt.Fprintf(&b, "# criterion 1 from the reliable change (Jacobson & Truax 1991), as define_crit1_cutoff\nrci_sd <- %s; rci_r <- %s\n", sd, rNum(cc.Reliability))
		b.WriteString("sem <- rci_sd * sqrt(1 - rci_r); sdiff <- sqrt(2 * sem^2); cutoff <- s * 1.96 * sdiff\n")
		cut = ""
	} else if !c.NoCutoff {
		cut = rNum(c.Cutoff)
	}
	if cut != "" {
		fmt.Fprintf(&b, "cutoff <- %s   # criterion 1 (NA: switched off)\n", cut)
	}
	pct := "NA"
	if !c.NoPct {
		pct = rNum(c.Pct)
	}
	fmt.Fprintf(&b, "pct <- %s   # criterion 2 (NA: switched off)\n", pct)
	crit := "NA"
	switch {
	case c.NoStability:
	case c.FixedCritical:
		crit = "function(df) " + rNum(c.CriticalValue)
	default:
		crit = "function(df) qt(1 - " + rNum(c.Alpha) + " / 2, df)"
	}
	fmt.Fprintf(&b, "crit <- %s   # criterion 3's critical value (NA: switched off)\n", crit)
	intended := "FALSE"
	if o.Losses && c.LossPct == change.LossPctIntended {
		intended = "TRUE"
	}
	fmt.Fprintf(&b, "loss_pct_intended <- %s; baseline_first <- %s; reversal_from <- %d\n", intended,
		map[bool]string{true: "TRUE", false: "FALSE"}[c.BaselineFirst], map[bool]int{true: 2, false: 3}[c.BaselineFirst || c.ReversalFromN2])
	b.WriteString(`met <- function(v, p) {   # the interval from v[p] (pregain) to v[p + 1]
  a <- v[p]; b <- v[p + 1]; ok <- TRUE
  if (!is.na(cutoff)) ok <- ok && !is.na(a - b) && s * (a - b) >= s * cutoff
  if (!is.na(pct)) ok <- ok && !is.na(a - b) && (if (s == 1) a - b >= pct * a else if (loss_pct_intended) b - a >= pct * a else a - b <= pct * a)
  if (is.function(crit)) {
    pre <- v[max(1, p - 2):p]; post <- v[(p + 1):min(p + 3, length(v))]
    pre <- pre[!is.na(pre)]; post <- post[!is.na(post)]
    if (length(pre) < 2 || length(post) < 2) return(FALSE)
    df <- length(pre) + length(post) - 2
    pooled <- sqrt(((length(pre) - 1) * var(pre) + (length(post) - 1) * var(post)) / df)
    ok <- ok && s * (mean(pre) - mean(post)) > crit(df) * pooled
  }
  isTRUE(ok)
}
at <- function(v, k) if (k >= 1 && k <= length(v)) unname(v[k]) else NA
gains <- list()
for (i in seq_len(nrow(x))) {
  v <- x[i, ]; n <- length(v); found <- list()
  if (n >= 4) for (p in 2:(n - 2)) if (met(v, p)) {
    mag <- v[p] - v[p + 1]; tx <- v[1] - v[n]
    prop <- if (s == 1) mag / tx else abs(mag) / tx
    if (isTRUE(prop == -Inf)) prop <- NA
    rv <- v[p + 1] + mag / 2; later <- if (p + reversal_from <= n) v[(p + reversal_from):n] else numeric(0)
    sess <- if (baseline_first) p - 1 else p
    found[[length(found) + 1]] <- list(id_sg = paste0(ids[i], "_sg_", sess), patient = ids[i],
      session = sess, position = p - 1, x_2n = at(v, p - 2), x_1n = at(v, p - 1), x_n = at(v, p), x_n1 = at(v, p + 1),
      x_n2 = at(v, p + 2), x_n3 = at(v, p + 3), magnitude = unname(mag), tx_start = unname(v[1]), tx_end = unname(v[n]),
      tx_change = unname(tx), change_proportion = unname(prop), reversal_value = unname(rv),
      reversal = any(if (s == 1) later > rv else later < rv, na.rm = TRUE))
  }
  for (g in found) { g$freq_byperson <- length(found); gains[[length(gains) + 1]] <- g }
}
mag <- sapply(gains, function(g) g$magnitude); multi <- sapply(gains, function(g) g$freq_byperson > 1)
rev <- sapply(gains, function(g) g$reversal); n_g <- length(gains)
out <- list(gains = gains, patients = nrow(x), patients_with_gain = length(unique(sapply(gains, function(g) g$patient))),
  summary = list(total_n = n_g, sg_total_n = n_g, sg_pct = 100 * n_g / n_g, sg_multiple_pct = 100 * sum(multi) / n_g,
    sg_reversal_n = sum(rev), sg_reversal_pct = 100 * sum(rev) / n_g, sg_magnitude_m = mean(mag, na.rm = TRUE),
    sg_magnitude_sd = sd(mag, na.rm = TRUE)))
`)
	if cut == "" {
		b.WriteString("out$rci_cutoff <- list(sd = rci_sd, reliability = rci_r, standard_error_measurement = sem, standard_error_difference = sdiff, reliable_change_value = 1.96 * sdiff)\n")
	}
	if !c.NoCutoff {
		b.WriteString("out$criteria <- list(cutoff = cutoff)\n")
	}
	if o.ByPerson {
		fmt.Fprintf(&b, "select <- %q   # the gain kept for a patient with several\n", o.Select)
		b.WriteString(`pick <- function(gs) { m <- sapply(gs, function(g) g$magnitude); se <- sapply(gs, function(g) g$session)
  if (select %in% c("smallest", "largest") && anyNA(m)) return(NULL)
  gs[[switch(select, first = which.min(se), last = which.max(se), smallest = which.min(m), largest = which.max(m))]] }
gp <- split(gains, sapply(gains, function(g) g$patient))
byperson <- lapply(ids, function(id) { g <- if (is.null(gp[[id]])) NULL else pick(gp[[id]])
  list(patient = id, sg = !is.null(g), freq_byperson = if (is.null(g)) 0 else g$freq_byperson, gain = g) })
sel <- Filter(function(p) p$sg, byperson); m <- sapply(sel, function(p) p$gain$magnitude)
fr <- sapply(byperson, function(p) length(gp[[p$patient]])); r2 <- sapply(sel, function(p) p$gain$reversal)
out$byperson <- byperson
out$person_summary <- list(total_n = length(ids), sg_total_n = sum(fr), sg_n = length(sel), sg_pct = 100 * length(sel) / length(ids),
  sg_multiple_n = sum(fr > 1), sg_multiple_pct = 100 * sum(fr > 1) / length(ids), sg_reversal_n = sum(r2),
  sg_reversal_pct = 100 * sum(r2) / length(sel), sg_magnitude_m = mean(m), sg_magnitude_sd = sd(m))
`)
	}
	b.WriteString("cat(jsonlite::toJSON(out, digits = NA, auto_unbox = TRUE, null = \"null\", na = \"null\"), \"\\n\")\n")
	r.rSuddengains(&b)
	return b.String()
}

// rSuddengains writes the suddengains call, commented: it reproduces the
// same gains where the package is installed.
func (r *GainsRun) rSuddengains(w *strings.Builder) {
	o, c := r.opt, r.crit
	var b strings.Builder
	b.WriteString("library(suddengains)\n")
	cut := "NULL"
	if cc := r.RCI; cc != nil {
		b.WriteString("crit1 <- define_crit1_cutoff(sd = rci_sd, reliability = rci_r)\n")
		cut = "crit1$reliable_change_value"
		if o.Losses {
			cut = "-" + cut
		}
	} else if !c.NoCutoff {
		cut = rNum(c.Cutoff)
	}
	args := []string{"data = d", "sg_crit1_cutoff = " + cut, "id_var_name = " + rStr(r.cols.Patient), "sg_var_list = vars",
		"tx_start_var_name = vars[1]", "tx_end_var_name = vars[length(vars)]", "sg_measure_name = " + rStr(r.label)}
	if c.NoPct {
		args = append(args, "sg_crit2_pct = NULL")
	} else if c.Pct != 0.25 {
		args = append(args, "sg_crit2_pct = "+rNum(c.Pct))
	}
	if c.NoStability {
		args = append(args, "sg_crit3 = FALSE")
	} else if c.FixedCritical {
		args = append(args, "sg_crit3_adjust = FALSE", "sg_crit3_critical_value = "+rNum(c.CriticalValue))
	} else if c.Alpha != 0.05 {
		args = append(args, "sg_crit3_alpha = "+rNum(c.Alpha))
	}
	if c.BaselineFirst {
		args = append(args, "identify_sg_1to2 = TRUE")
	}
	identify := `"sg"`
	if o.Losses {
		identify = `"sl"`
	}
	args = append(args, "identify = "+identify)
	fn, structure := "create_bysg", "bysg"
	if o.ByPerson {
		fn, structure = "create_byperson", "byperson"
		args = append(args, "multiple_sg_select = "+rStr(o.Select))
	}
	fmt.Fprintf(&b, "res <- %s(%s)\ndescribe_sg(res, sg_data_structure = %q)\n", fn, strings.Join(args, ", "), structure)
	w.WriteString("# With the suddengains package installed, the same analysis:\n")
	for _, line := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
		w.WriteString("# " + line + "\n")
	}
}

func quoteAll(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = rStr(x)
	}
	return strings.Join(q, ", ")
}
