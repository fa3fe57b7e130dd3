package workflow

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/change"
)

func (r *ChangeRun) compose() {
	res, o := r.Result, r.opt
	r.allPersons = res.Persons
	all := len(res.Persons) == res.NUsed // every patient's classification is at hand
	listed := res.NUsed <= ListLimit || o.ListAll
	if !listed {
		r.ListsOmitted = &ListsOmitted{Patients: res.NUsed, Limit: ListLimit,
			How: "write the full table to a file: one row per patient with --patients FILE (.csv, .tsv or .parquet)"}
		r.note(Info, "%d patients: the per-patient list is not printed (only summaries, above %d patients); %s.", res.NUsed, ListLimit, r.ListsOmitted.How)
	}
	r.data = &DataPart{Kind: "session", Source: r.src, Roles: r.roles, Counts: map[string]int{"patients": res.NOriginal, "patients analysed": res.NUsed}}
	if d := res.NOriginal - res.NUsed; d > 0 {
		why := "no score at one of the two time points"
		if r.firstLst {
			why = "fewer than two sessions with a score"
		}
		r.data.Dropped = append(r.data.Dropped, Dropped{Analysis: "reliable change", N: d, Unit: "patients", Reason: why})
	}
	switch {
	case o.Method == string(change.HLM):
		r.note(Info, "The HLM method uses every measurement of each patient (a growth model); pre and post are each patient's first and last complete score.")
	case r.firstLst && !o.Wide:
		r.note(Info, "Pre and post are each patient's first and last session with a score on %s (no pre and post time values given).", r.label)
	}
	if o.Approach == "combined" && r.opt.MFunctional != nil && o.Method != string(change.HLM) {
		r.note(Info, "Approach: combined (reliable change and the clinical cutoff %s).", o.CutoffType)
	}
	if (o.Approach == "combined" || o.Approach == "statistical") && o.MClinical == nil {
		r.note(Info, "The clinical population's mean and SD are those of the pre scores (clinicalsignificance's default).")
	}

	title := fmt.Sprintf("Clinically significant change — %s approach", res.Approach)
	if res.Method != "" {
		title += ", RCI " + string(res.Method)
	}
	s := &Section{ID: "change", Title: title + " — " + r.DataName}
	r.sec = s
	line := fmt.Sprintf("%d of %d patients have both scores; better is %s.", res.NUsed, res.NOriginal, res.Better)
	if !res.Reliability.IsNA() {
		line += fmt.Sprintf(" Reliability %s, critical value %s", apa.Cell(float64(res.Reliability), 2), apa.Cell(float64(res.CriticalValue), 3))
		if !res.SDiff.IsNA() {
			line += fmt.Sprintf(", S_diff = %s (a change of at least %s points is reliable)", apa.Cell(float64(res.SDiff), 3), apa.Cell(float64(res.SDiff)*float64(res.CriticalValue), 2))
		}
		line += "."
	}
	if res.Cutoff != nil {
		line += fmt.Sprintf(" Cutoff %s = %s.", res.Cutoff.Type, apa.Cell(float64(res.Cutoff.Value), 2))
	}
	s.P(Result, line)
	s.P(Methods, r.methodsText())
	s.Add(r.categoryTable())
	if len(res.Groups) > 0 {
		g := &Table{Name: "groups", Title: "By group", Columns: []string{"Group", "Category", "n", "% of group"}, Right: []bool{false, false, true, true}}
		for _, c := range res.Groups {
			g.Rows = append(g.Rows, []string{c.Group, string(c.Category), strconv.Itoa(c.N), pct(100 * float64(c.PercentByGroup))})
		}
		s.Add(g)
	}
	if o.Persons && all {
		p := r.Tidy()
		p.Title = "Patients"
		s.Add(p)
	}
	if len(res.Summary) > 0 {
		best := res.Summary[0]
		for _, c := range res.Summary {
			if c.N > best.N {
				best = c
			}
		}
		s.P(Reading, fmt.Sprintf("%d of the %d patients (%s) are classified as %s.", best.N, res.NUsed, pct(100*float64(best.Percent)), best.Category))
	}
	switch {
	case res.Approach == "percentage" || o.Method == string(change.HLM) || res.NUsed == 0:
	case !all:
		r.note(Info, "The Jacobson–Truax figure is not drawn: above %d patients the classifications are not kept in memory unless the figure or the CSV table is asked for.", ListLimit)
	default:
		fig := *res // the figure's own copy: every patient, whatever the output lists
		s.Add(&Figure{Name: "jacobson-truax", Title: "Jacobson–Truax plot",
			Caption: "Post against pre score of each patient; the diagonal is no change, the shaded band the change that is not reliable (±" + apa.Cell(float64(res.CriticalValue), 2) + "·S_diff); marker shapes give the categories.",
			Spec:    JacobsonTruaxSpec{Change: &fig, Label: capitalise(r.label)}})
	}
	r.methods = append(r.methods, r.methodsText())
	r.cite("jacobson1991", "claus2023")
	r.steps = []Step{{Purpose: "Reliable and clinically significant change", Command: r.commandLine(), RCode: r.rCode()}}
	if !listed {
		res.Persons = nil // the output's list; allPersons keeps them
	}
}

func (r *ChangeRun) categoryTable() *Table {
	res := r.Result
	t := &Table{Name: "categories", Title: "Categories of change", Columns: []string{"Category", "n", "%"}, Right: []bool{false, true, true}}
	for _, c := range res.Summary {
		t.Rows = append(t.Rows, []string{string(c.Category), strconv.Itoa(c.N), pct(100 * float64(c.Percent))})
	}
	if !res.MPre.IsNA() {
		t.Notes = append(t.Notes, fmt.Sprintf("%d patients with both scores; pre M = %s (SD %s), post M = %s (SD %s).", res.NUsed,
			apa.Cell(float64(res.MPre), 2), apa.Cell(float64(res.SDPre), 2), apa.Cell(float64(res.MPost), 2), apa.Cell(float64(res.SDPost), 2)))
	}
	return t
}

func (r *ChangeRun) methodsText() string {
	res, o := r.Result, r.opt
	src := ""
	if o.ReliabilitySource != "" {
		src = " (" + o.ReliabilitySource + ")"
	}
	what := "Change from each patient's pre to post score"
	if r.firstLst && !o.Wide {
		what = "Change from each patient's first to last session with a score"
	}
	var fn string
	switch res.Approach {
	case "distribution":
		fn = "cs_distribution"
	case "combined":
		fn = "cs_combined"
	case "statistical":
		fn = "cs_statistical"
	default:
		fn = "cs_percentage"
	}
	if res.Approach == "percentage" {
		return fmt.Sprintf("%s on the %s was classified by the percentage of change (improvement: at least %s of the pre score), as the R package clinicalsignificance's %s (Claus, 2023).", what, r.label, apa.Num(100*float64(res.PctImprovement), 0)+"%", fn)
	}
	m := fmt.Sprintf("%s on the %s was classified with the reliable change index of Jacobson & Truax (1991)", what, r.label)
	if res.Method != change.JT && res.Method != "" {
		m += fmt.Sprintf(" (method %s)", res.Method)
	}
	if !res.Reliability.IsNA() {
		m += fmt.Sprintf(", with reliability r = %s%s", apa.NoZero(float64(res.Reliability), 2), src)
	}
	if !res.SDiff.IsNA() && !res.SDPre.IsNA() && res.Method == change.JT {
		m += fmt.Sprintf(": RCI = (post − pre)/S_diff, S_diff = √2·SD_pre·√(1 − r), SD_pre = %s, so that a change of more than %s·S_diff = %s points is reliable", apa.Cell(float64(res.SDPre), 2), apa.Cell(float64(res.CriticalValue), 2), apa.Cell(float64(res.CriticalValue)*float64(res.SDiff), 2))
	}
	if res.Cutoff != nil {
		m += fmt.Sprintf("; the clinical cutoff %s is %s", res.Cutoff.Type, apa.Cell(float64(res.Cutoff.Value), 2))
	}
	return m + fmt.Sprintf(". Computed as the R package clinicalsignificance's %s (Claus, 2023).", fn)
}

func (r *ChangeRun) commandLine() string {
	o := r.opt
	c := newCommand("change", r.src)
	c.col("patient", o.Patient)
	c.col("session", o.Time)
	c.col("outcome", o.Score)
	c.col("group", o.Group)
	if o.Wide {
		c.flag("wide", o.Pre+","+o.Post)
	} else {
		c.col("pre", o.Pre)
		c.col("post", o.Post)
	}
	c.flag("approach", o.Approach)
	c.flag("method", o.Method)
	if o.HigherBetter {
		c.flag("better", "higher")
	}
	num := func(name string, p *float64) {
		if p != nil {
			c.flag(name, rNum(*p))
		}
	}
	num("reliability", o.Reliability)
	num("reliability-post", o.ReliabilityPost)
	if o.Level != 0.95 {
		c.flag("level", levelPct(o.Level))
	}
	if o.Approach == "combined" || o.Approach == "statistical" {
		c.flag("cutoff-type", o.CutoffType)
		num("m-functional", o.MFunctional)
		num("sd-functional", o.SDFunctional)
		num("m-clinical", o.MClinical)
		num("sd-clinical", o.SDClinical)
		if o.BFunctionalSD {
			c.flag("b-functional-sd", "")
		}
	}
	num("pct-improvement", o.PctImprovement)
	num("pct-deterioration", o.PctDeterioration)
	return c.String()
}

// rCode reproduces the analysis. For the Jacobson–Truax method (and the
// percentage approach) it is base R: the clinicalsignificance package is
// not in every R installation (not in Debian), so the reliable change
// index, the cutoff and the categories are computed explicitly, as
// clinicalsignificance applies them, printing every number of alliance's
// output as JSON, with the package's call kept as a commented
// alternative. The other RCI methods (GLN, HLL, EN, NK, HA, HLM) are
// given as the package call alone: their formulas are not written out in
// base R here.
func (r *ChangeRun) rCode() string {
	res := r.Result
	base := res.Approach == "percentage" || res.Method != change.HA && (res.Method == change.JT || res.Approach == "statistical")
	if !base || r.roles["group"] != "" {
		return r.rPackage(false)
	}
	var b strings.Builder
	b.WriteString("# Reliable and clinically significant change (Jacobson & Truax 1991) in base R, as\n")
	b.WriteString("# clinicalsignificance applies it (the package call is at the end, commented).\n")
	r.rBase(&b)
	b.WriteString("# With the clinicalsignificance package installed, the same analysis:\n")
	for _, line := range strings.Split(strings.TrimRight(r.rPackage(true), "\n"), "\n") {
		b.WriteString("# " + line + "\n")
	}
	return b.String()
}

// rBase writes the base-R computation of a JT or percentage analysis.
func (r *ChangeRun) rBase(b *strings.Builder) {
	o, res := r.opt, r.Result
	fmt.Fprintf(b, "d <- %s\n", r.src.RRead())
	switch {
	case o.Wide:
		if r.roles["patient"] != "" {
			fmt.Fprintf(b, "id <- as.character(d[[%q]])\n", r.roles["patient"])
		} else {
			b.WriteString("id <- as.character(seq_len(nrow(d)))\n")
		}
		fmt.Fprintf(b, "p <- data.frame(id = id, pre = d[[%q]], post = d[[%q]])\n", r.roles["pre"], r.roles["post"])
	case r.firstLst:
		// each patient's first and last observed score
		fmt.Fprintf(b, "id <- as.character(d[[%q]]); tm <- d[[%q]]; y <- d[[%q]]\n", r.roles["patient"], r.roles["session"], r.roles["outcome"])
		b.WriteString(`p <- do.call(rbind, lapply(unique(id), function(i) { k <- which(id == i & !is.na(y)); k <- k[order(tm[k])]
  if (length(k) < 2) data.frame(id = i, pre = NA, post = NA) else data.frame(id = i, pre = y[k[1]], post = y[k[length(k)]]) }))
`)
	default:
		fmt.Fprintf(b, "id <- as.character(d[[%q]]); tm <- d[[%q]]; y <- d[[%q]]\n", r.roles["patient"], r.roles["session"], r.roles["outcome"])
		fmt.Fprintf(b, `at <- function(i, t) { k <- which(id == i & tm == t & !is.na(y)); if (length(k)) y[k[1]] else NA }
p <- do.call(rbind, lapply(unique(id), function(i) data.frame(id = i, pre = at(i, %s), post = at(i, %s))))
`, o.Pre, o.Post)
	}
	b.WriteString("n_original <- nrow(p); p <- p[!is.na(p$pre) & !is.na(p$post), ]\n")
	fmt.Fprintf(b, "s <- %s   # 1: higher scores are better, -1: lower\n", map[bool]string{true: "1", false: "-1"}[res.Better.String() == "higher"])
	b.WriteString("out <- list(n_original = n_original, n_used = nrow(p))\n")
	if res.Approach != "percentage" {
		b.WriteString("m_pre <- mean(p$pre); sd_pre <- sd(p$pre); m_post <- mean(p$post); sd_post <- sd(p$post)\n")
		b.WriteString("out$m_pre <- m_pre; out$sd_pre <- sd_pre; out$m_post <- m_post; out$sd_post <- sd_post\n")
	}
	b.WriteString("p$change <- p$post - p$pre\n")
	if res.Approach == "percentage" || res.Approach == "distribution" {
		b.WriteString("p$clinical_pre <- FALSE; p$functional_post <- FALSE   # no cutoff in this approach (alliance's JSON says false)\n")
	}
	var cats []string
	if res.Approach == "percentage" {
		pd := *o.PctImprovement
		if o.PctDeterioration != nil && *o.PctDeterioration > 0 {
			pd = *o.PctDeterioration
		}
		fmt.Fprintf(b, "p_imp <- %s; p_det <- %s\n", rNum(*o.PctImprovement), rNum(pd))
		b.WriteString(`p$pct_change <- (p$post - p$pre) / p$pre
imp <- (s * p$pct_change >= p_imp | (p$pre == 0 & p$post > 0)) & p$pre != p$post
det <- (s * p$pct_change <= -p_det | (p$pre == 0 & p$post < 0)) & p$pre != p$post
p$category <- ifelse(imp, "improved", ifelse(det, "deteriorated", "unchanged"))
out$pct_improvement <- p_imp; out$pct_deterioration <- p_det
`)
		// a patient both improved and deteriorated counts in both rows
		b.WriteString(`count <- c(improved = sum(imp), unchanged = sum(!imp & !det), deteriorated = sum(det))
`)
	} else {
		fmt.Fprintf(b, "rel <- %s; z <- qnorm(1 - %s / 2)\n", rNum(float64(res.Reliability)), rNum(1-o.Level))
		b.WriteString("out$reliability <- rel; out$critical_value <- z\n")
		if res.Approach != "statistical" {
			b.WriteString(`se <- sd_pre * sqrt(1 - rel); s_diff <- sqrt(2 * se^2)   # SE of measurement, SE of a difference
p$rci <- (p$post - p$pre) / s_diff; imp <- s * p$rci > z; det <- s * p$rci < -z
out$se_measurement <- se; out$s_diff <- s_diff
`)
		}
		if res.Approach != "distribution" {
			c := res.Cutoff
			fmt.Fprintf(b, "m_clin <- %s; sd_clin <- %s   # the clinical population (default: the pre scores)\n",
				map[bool]string{true: rNum(float64(c.MClinical)), false: "m_pre"}[o.MClinical != nil], map[bool]string{true: rNum(float64(c.SDClinical)), false: "sd_pre"}[o.MClinical != nil])
			switch c.Type {
			case "a":
				b.WriteString("cut <- m_clin + s * 2 * sd_clin   # cutoff a\n")
			case "b":
				sd := "sd_clin"
				if o.BFunctionalSD {
					sd = "sd_func"
				}
				fmt.Fprintf(b, "m_func <- %s; sd_func <- %s\ncut <- m_func - s * 2 * %s   # cutoff b\n", rNum(float64(c.MFunctional)), rNum(float64(c.SDFunctional)), sd)
			default:
				fmt.Fprintf(b, "m_func <- %s; sd_func <- %s\ncut <- (sd_clin * m_func + sd_func * m_clin) / (sd_clin + sd_func)   # cutoff c\n", rNum(float64(c.MFunctional)), rNum(float64(c.SDFunctional)))
			}
			b.WriteString("p$clinical_pre <- s * p$pre < s * cut; p$functional_post <- s * p$post > s * cut\n")
			b.WriteString("out$cutoff <- list(value = cut, m_clinical = m_clin, sd_clinical = sd_clin)\n")
			if c.Type != "a" {
				b.WriteString("out$cutoff$m_functional <- m_func; out$cutoff$sd_functional <- sd_func\n")
			}
		}
		switch res.Approach {
		case "distribution":
			b.WriteString(`p$category <- ifelse(imp, "improved", ifelse(det, "deteriorated", "unchanged"))
`)
			cats = []string{"improved", "unchanged", "deteriorated"}
		case "statistical":
			b.WriteString(`imp <- p$clinical_pre & p$functional_post; det <- !p$clinical_pre & !p$functional_post
p$category <- ifelse(imp, "improved", ifelse(det, "deteriorated", "unchanged"))
`)
			cats = []string{"improved", "unchanged", "deteriorated"}
		default:
			b.WriteString(`rec <- p$clinical_pre & p$functional_post & imp; harm <- !p$clinical_pre & !p$functional_post & det
p$category <- ifelse(rec, "recovered", ifelse(imp, "improved", ifelse(harm, "harmed", ifelse(det, "deteriorated", "unchanged"))))
`)
			cats = []string{"recovered", "improved", "unchanged", "deteriorated", "harmed"}
		}
		fmt.Fprintf(b, "count <- table(factor(p$category, c(%s)))\n", quoteAll(cats))
	}
	b.WriteString(`out$summary <- lapply(names(count), function(k) list(category = k, n = unname(count[[k]]), percent = unname(count[[k]]) / nrow(p)))
out$persons <- lapply(seq_len(nrow(p)), function(i) as.list(p[i, ]))
cat(jsonlite::toJSON(out, digits = NA, auto_unbox = TRUE, na = "null"), "\n")
`)
}

// rPackage is the clinicalsignificance call reproducing the analysis.
func (r *ChangeRun) rPackage(commented bool) string {
	o, res := r.opt, r.Result
	var b strings.Builder
	b.WriteString("library(clinicalsignificance)\n")
	if !commented {
		fmt.Fprintf(&b, "d <- %s\n", r.src.RRead())
	}
	var args []string
	if o.Wide {
		args = append(args, "id = "+rName(r.roleOr("patient", "id")), "pre = "+rName(r.roles["pre"]), "post = "+rName(r.roles["post"]))
		if r.roles["patient"] == "" {
			b.WriteString("d$id <- seq_len(nrow(d))\n")
		}
	} else {
		if r.firstLst && o.Method != string(change.HLM) {
			// first and last observed score of each patient, as two time points
			fmt.Fprintf(&b, "d <- d[!is.na(d[[%q]]), ]\n", r.roles["outcome"])
			fmt.Fprintf(&b, "d <- d[order(d[[%q]], d[[%q]]), ]\n", r.roles["patient"], r.roles["session"])
			fmt.Fprintf(&b, "first <- !duplicated(d[[%q]]); last <- !duplicated(d[[%q]], fromLast = TRUE)\n", r.roles["patient"], r.roles["patient"])
			fmt.Fprintf(&b, "d <- rbind(transform(d[first & !last, ], tp = 1), transform(d[last & !first, ], tp = 2))\n")
			args = append(args, "id = "+rName(r.roles["patient"]), "time = tp", "outcome = "+rName(r.roles["outcome"]), "pre = 1", "post = 2")
		} else {
			args = append(args, "id = "+rName(r.roles["patient"]), "time = "+rName(r.roles["session"]), "outcome = "+rName(r.roles["outcome"]))
			if o.Pre != "" && o.Method != string(change.HLM) {
				args = append(args, "pre = "+o.Pre, "post = "+o.Post)
			}
		}
	}
	if g := r.roles["group"]; g != "" {
		args = append(args, "group = "+rName(g))
	}
	fn := "cs_" + res.Approach
	if res.Approach == "percentage" {
		args = append(args, "pct_improvement = "+rNum(*o.PctImprovement))
		if o.PctDeterioration != nil {
			args = append(args, "pct_deterioration = "+rNum(*o.PctDeterioration))
		}
	} else {
		if o.Reliability != nil {
			args = append(args, "reliability = "+rNum(*o.Reliability))
		}
		if o.ReliabilityPost != nil {
			args = append(args, "reliability_post = "+rNum(*o.ReliabilityPost))
		}
		if res.Approach != "statistical" {
			args = append(args, "rci_method = "+rStr(o.Method))
		}
		if o.Level != 0.95 {
			args = append(args, "significance_level = "+rNum(1-o.Level))
		}
		if res.Approach != "distribution" {
			if o.MFunctional != nil {
				args = append(args, "m_functional = "+rNum(*o.MFunctional))
			}
			if o.SDFunctional != nil {
				args = append(args, "sd_functional = "+rNum(*o.SDFunctional))
			}
			if o.MClinical != nil {
				args = append(args, "m_clinical = "+rNum(*o.MClinical), "sd_clinical = "+rNum(*o.SDClinical))
			}
			args = append(args, "cutoff_type = "+rStr(o.CutoffType))
		}
	}
	args = append(args, "better_is = "+rStr(res.Better.String()))
	fmt.Fprintf(&b, "res <- %s(d, %s)\nsummary(res)\n", fn, strings.Join(args, ", "))
	return b.String()
}

func (r *ChangeRun) roleOr(role, def string) string {
	if c := r.roles[role]; c != "" {
		return c
	}
	return def
}
