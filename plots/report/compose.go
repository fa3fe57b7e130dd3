package report

import (
	"fmt"
	"strconv"
	"strings"
)

// compose assembles the document: title, data, the analysis sections,
// methods, references and reproducibility.
func (r *Report) compose(in Input) *document {
	d := &document{title: "Alliance–outcome report", noPDF: r.opt.NoPDF}
	var names []string
	if in.Studies != nil {
		names = append(names, in.StudiesSource.Name)
	}
	if in.Sessions != nil {
		names = append(names, in.SessionsSource.Name)
	}
	d.subtitle = append(d.subtitle, "Data: "+strings.Join(names, " and "))
	d.subtitle = append(d.subtitle, "alliance "+r.opt.Version)
	if r.opt.Date != "" {
		d.subtitle = append(d.subtitle, r.opt.Date)
	}
	if r.Results.Simulated {
		var sim []string
		if in.Studies != nil && in.StudiesSource.Simulated {
			sim = append(sim, in.StudiesSource.Name)
		}
		if in.Sessions != nil && in.SessionsSource.Simulated {
			sim = append(sim, in.SessionsSource.Name)
		}
		d.warning = "SIMULATED DATA — " + strings.Join(sim, " and ") + " " + plural(len(sim), "is", "are") +
			" made by a random-number generator to demonstrate the analyses. No study, patient or therapist behind these numbers exists; do not cite them as evidence about psychotherapy. Run 'alliance report --studies FILE --sessions FILE --out DIR' on your own data."
	}
	d.sections = append(d.sections, r.dataSection(in))
	if r.metaSec != nil {
		d.sections = append(d.sections, r.metaSec)
	}
	if r.sessSec != nil {
		d.sections = append(d.sections, r.sessSec)
	}
	d.sections = append(d.sections, r.methodsSection(in), r.referencesSection(), r.reproSection(in))
	return d
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func (r *Report) dataSection(in Input) *section {
	s := &section{id: "data", title: "The data"}
	part := func(kind string, p *DataPart) {
		src := p.Source
		what := "the file " + src.Name
		if src.Embedded {
			what = "the embedded dataset " + src.Name
			if src.Title != "" {
				what += " (" + src.Title + ")"
			}
		}
		sim := ""
		if src.Simulated {
			sim = " These data are SIMULATED."
		}
		s.h("data-"+kind, capital(kind)+" data")
		s.p(fmt.Sprintf("Read %s: %d rows, %d columns (%s).%s", what, src.Rows, len(src.Columns), strings.Join(src.Columns, ", "), sim))
		if src.Citation != "" {
			s.add(para{html: esc("Source: " + src.Citation), class: "note"})
		}
		t := &table{title: "Columns used (" + kind + ")", cols: []string{"Role", "Column"}, right: []bool{false, false}}
		for _, k := range sortedKeys(p.Roles) {
			t.rows = append(t.rows, []string{k, p.Roles[k]})
		}
		if kind == "study-level" && r.Results.Meta != nil && len(r.Results.Meta.Moderators) > 0 {
			var m []string
			for _, x := range r.Results.Meta.Moderators {
				m = append(m, x.Name)
			}
			t.rows = append(t.rows, []string{"moderators", strings.Join(m, ", ")})
		}
		var counts []string
		for _, k := range sortedKeys(p.Counts) {
			counts = append(counts, fmt.Sprintf("%s: %d", k, p.Counts[k]))
		}
		t.notes = append(t.notes, "Counts — "+strings.Join(counts, "; ")+".")
		s.add(t)
		if len(p.Dropped) == 0 {
			s.p("No rows were dropped: every row passed validation and entered every analysis.")
			return
		}
		dt := &table{title: "Rows left out of analyses (" + kind + ")", cols: []string{"Analysis", "Left out", "Reason"}, right: []bool{false, true, false}}
		for _, x := range p.Dropped {
			dt.rows = append(dt.rows, []string{x.Analysis, strconv.Itoa(x.N) + " " + x.Unit, x.Reason})
		}
		dt.notes = append(dt.notes, "Every row passed validation (the file is refused with the file name, line and column of the first problems otherwise); rows are left out of an analysis only for the reasons given.")
		s.add(dt)
	}
	if p := r.Results.Data.Studies; p != nil {
		part("study-level", p)
	}
	if p := r.Results.Data.Sessions; p != nil {
		part("session", p)
	}
	return s
}

func (r *Report) methodsSection(in Input) *section {
	s := &section{id: "methods", title: "Methods (to adapt)"}
	s.add(para{html: esc("A paragraph you can adapt for the methods section of a paper or thesis. Check every statement against what you did; the citations are in the reference list below."), class: "note"})
	var paras [][]string
	var b []string
	if mr := r.Results.Meta; mr != nil {
		m := mr.Model
		x := fmt.Sprintf("Alliance–outcome correlations from %d effect sizes were pooled in a random-effects meta-analysis (Hedges & Vevea, 1998) after Fisher's r-to-z transformation, with the between-study variance τ² estimated by restricted maximum likelihood (Viechtbauer, 2005) and its confidence interval by the Q-profile method (Viechtbauer, 2007); pooled values were back-transformed to r. Heterogeneity is reported as Q, I² (Higgins & Thompson, 2002) and the %s prediction interval (Riley, Higgins & Deeks, 2011).", m.K, pctLevel(m.Level))
		if mr.Measure != "ZCOR" {
			x = fmt.Sprintf("Effect sizes (k = %d) were pooled in a random-effects meta-analysis (Hedges & Vevea, 1998) with τ² estimated by restricted maximum likelihood (Viechtbauer, 2005); heterogeneity is reported as Q, I² (Higgins & Thompson, 2002) and the prediction interval (Riley, Higgins & Deeks, 2011).", m.K)
		}
		b = append(b, x)
		b = append(b, "Small-study effects were examined with Egger's regression test (Egger, Davey Smith, Schneider & Minder, 1997), Begg and Mazumdar's (1994) rank correlation test, trim and fill (Duval & Tweedie, 2000) and, for comparison with earlier reviews, fail-safe numbers (Rosenthal, 1979; Orwin, 1983; Rosenberg, 2005). Influential studies were identified with the case diagnostics of Viechtbauer and Cheung (2010) and the Baujat plot (Baujat, Mahé, Pignon & Hill, 2002).")
		if len(mr.Moderators) > 0 {
			var names []string
			for _, m := range mr.Moderators {
				names = append(names, m.Name)
			}
			b = append(b, fmt.Sprintf("Moderators (%s) were tested one at a time in mixed-effects meta-regressions (Thompson & Higgins, 2002).", strings.Join(names, ", ")))
		}
		if mr.ThreeLevel != nil {
			b = append(b, "Because several effect sizes came from the same study, a three-level model (effect sizes within studies; Konstantopoulos, 2011; Cheung, 2014; Assink & Wibbelink, 2016) was fitted by REML, with cluster-robust (CR2) standard errors and Satterthwaite degrees of freedom (Pustejovsky & Tipton, 2018).")
		}
	}
	if len(b) > 0 {
		paras, b = append(paras, b), nil
	}
	if sr := r.Results.Sessions; sr != nil {
		if sr.Model != nil {
			b = append(b, "Session-by-session data were analysed with linear mixed models (random intercepts of patients"+ifThen(sr.Therapists > 0, " nested in therapists", "")+"; REML, Satterthwaite degrees of freedom; Bates, Mächler, Bolker & Walker, 2015; Kuznetsova, Brockhoff & Christensen, 2017). The alliance was person-mean centred to separate within-patient from between-patient associations (Curran & Bauer, 2011; Wang & Maxwell, 2015), and the within-patient alliance at one session predicted the outcome at the next, controlling for the outcome at that session (Falkenström, Granström & Holmqvist, 2013).")
		}
		if sr.Ruptures != nil {
			b = append(b, "Alliance ruptures and repairs were identified from the session ratings as V-shaped episodes (Stiles et al., 2004; Eubanks, Muran & Safran, 2018), and the counts' sensitivity to the criterion was checked across published rules (Gumz et al., 2012).")
		}
		if sr.Gains != nil {
			b = append(b, fmt.Sprintf("Sudden gains were identified with the criteria of Tang and DeRubeis (1999) as implemented in suddengains (Wiedemann et al., 2020), with the reliable change value as the absolute criterion (reliability %s, assumed).", rnum(r.opt.Reliability, 2)))
		}
		if sr.Change != nil {
			b = append(b, "Reliable change from the first to the last session was classified with the Jacobson and Truax (1991) reliable change index, as in clinicalsignificance (Claus, 2023).")
		}
	}
	if len(b) > 0 {
		paras, b = append(paras, b), nil
	}
	b = append(b, fmt.Sprintf("All analyses were run with alliance %s (Go), whose estimators are parity-tested against metafor 3.8-1 (Viechtbauer, 2010), clubSandwich 0.5.8, lme4 1.1-31 and lmerTest, suddengains 0.7.2 and clinicalsignificance in R 4.2.2 (R Core Team, 2022).", r.opt.Version))
	paras = append(paras, b)
	for _, x := range paras {
		s.add(para{html: esc(strings.Join(x, " ")), class: "methods"})
	}
	return s
}

func ifThen(c bool, a, b string) string {
	if c {
		return a
	}
	return b
}

func pctLevel(l float64) string { return strconv.FormatFloat(100*l, 'g', -1, 64) + "%" }

// references is the reference list, in APA style.
var references = []string{
	"Assink, M., & Wibbelink, C. J. M. (2016). Fitting three-level meta-analytic models in R: A step-by-step tutorial. <i>The Quantitative Methods for Psychology, 12</i>(3), 154–174.",
	"Bates, D., Mächler, M., Bolker, B., & Walker, S. (2015). Fitting linear mixed-effects models using lme4. <i>Journal of Statistical Software, 67</i>(1), 1–48.",
	"Baujat, B., Mahé, C., Pignon, J.-P., & Hill, C. (2002). A graphical method for exploring heterogeneity in meta-analyses. <i>Statistics in Medicine, 21</i>(18), 2641–2652.",
	"Begg, C. B., & Mazumdar, M. (1994). Operating characteristics of a rank correlation test for publication bias. <i>Biometrics, 50</i>(4), 1088–1101.",
	"Cheung, M. W.-L. (2014). Modeling dependent effect sizes with three-level meta-analyses: A structural equation modeling approach. <i>Psychological Methods, 19</i>(2), 211–229.",
	"Claus, B. B. (2023). <i>clinicalsignificance: A toolbox for clinical significance analyses in intervention studies</i> [R package].",
	"Curran, P. J., & Bauer, D. J. (2011). The disaggregation of within-person and between-person effects in longitudinal models of change. <i>Annual Review of Psychology, 62</i>, 583–619.",
	"Duval, S., & Tweedie, R. (2000). Trim and fill: A simple funnel-plot-based method of testing and adjusting for publication bias in meta-analysis. <i>Biometrics, 56</i>(2), 455–463.",
	"Egger, M., Davey Smith, G., Schneider, M., & Minder, C. (1997). Bias in meta-analysis detected by a simple, graphical test. <i>BMJ, 315</i>(7109), 629–634.",
	"Eubanks, C. F., Muran, J. C., & Safran, J. D. (2018). Alliance rupture repair: A meta-analysis. <i>Psychotherapy, 55</i>(4), 508–519.",
	"Falkenström, F., Granström, F., & Holmqvist, R. (2013). Therapeutic alliance predicts symptomatic improvement session by session. <i>Journal of Counseling Psychology, 60</i>(3), 317–328.",
	"Flückiger, C., Del Re, A. C., Wampold, B. E., & Horvath, A. O. (2018). The alliance in adult psychotherapy: A meta-analytic synthesis. <i>Psychotherapy, 55</i>(4), 316–340.",
	"Gumz, A., Brähler, E., Geyer, M., & Erices, R. (2012). Crisis-repair sequences — considerations on the classification and assessment of breaches in the therapeutic relationship. <i>BMC Medical Research Methodology, 12</i>, 10.",
	"Hedges, L. V., & Vevea, J. L. (1998). Fixed- and random-effects models in meta-analysis. <i>Psychological Methods, 3</i>(4), 486–504.",
	"Higgins, J. P. T., & Thompson, S. G. (2002). Quantifying heterogeneity in a meta-analysis. <i>Statistics in Medicine, 21</i>(11), 1539–1558.",
	"Jacobson, N. S., & Truax, P. (1991). Clinical significance: A statistical approach to defining meaningful change in psychotherapy research. <i>Journal of Consulting and Clinical Psychology, 59</i>(1), 12–19.",
	"Konstantopoulos, S. (2011). Fixed effects and variance components estimation in three-level meta-analysis. <i>Research Synthesis Methods, 2</i>(1), 61–76.",
	"Kroenke, K., Spitzer, R. L., & Williams, J. B. W. (2001). The PHQ-9: Validity of a brief depression severity measure. <i>Journal of General Internal Medicine, 16</i>(9), 606–613.",
	"Kuznetsova, A., Brockhoff, P. B., & Christensen, R. H. B. (2017). lmerTest package: Tests in linear mixed effects models. <i>Journal of Statistical Software, 82</i>(13), 1–26.",
	"Orwin, R. G. (1983). A fail-safe N for effect size in meta-analysis. <i>Journal of Educational Statistics, 8</i>(2), 157–159.",
	"Pustejovsky, J. E., & Tipton, E. (2018). Small-sample methods for cluster-robust variance estimation and hypothesis testing in fixed effects models. <i>Journal of Business &amp; Economic Statistics, 36</i>(4), 672–683.",
	"R Core Team. (2022). <i>R: A language and environment for statistical computing</i> (Version 4.2.2). R Foundation for Statistical Computing.",
	"Riley, R. D., Higgins, J. P. T., & Deeks, J. J. (2011). Interpretation of random effects meta-analyses. <i>BMJ, 342</i>, d549.",
	"Rosenberg, M. S. (2005). The file-drawer problem revisited: A general weighted method for calculating fail-safe numbers in meta-analysis. <i>Evolution, 59</i>(2), 464–468.",
	"Rosenthal, R. (1979). The file drawer problem and tolerance for null results. <i>Psychological Bulletin, 86</i>(3), 638–641.",
	"Stiles, W. B., Glick, M. J., Osatuke, K., Hardy, G. E., Shapiro, D. A., Agnew-Davies, R., Rees, A., & Barkham, M. (2004). Patterns of alliance development and the rupture-repair hypothesis: Are productive relationships U-shaped or V-shaped? <i>Journal of Counseling Psychology, 51</i>(1), 81–92.",
	"Tang, T. Z., & DeRubeis, R. J. (1999). Sudden gains and critical sessions in cognitive-behavioral therapy for depression. <i>Journal of Consulting and Clinical Psychology, 67</i>(6), 894–904.",
	"Thompson, S. G., & Higgins, J. P. T. (2002). How should meta-regression analyses be undertaken and interpreted? <i>Statistics in Medicine, 21</i>(11), 1559–1573.",
	"Viechtbauer, W. (2005). Bias and efficiency of meta-analytic variance estimators in the random-effects model. <i>Journal of Educational and Behavioral Statistics, 30</i>(3), 261–293.",
	"Viechtbauer, W. (2007). Confidence intervals for the amount of heterogeneity in meta-analysis. <i>Statistics in Medicine, 26</i>(1), 37–52.",
	"Viechtbauer, W. (2010). Conducting meta-analyses in R with the metafor package. <i>Journal of Statistical Software, 36</i>(3), 1–48.",
	"Viechtbauer, W., & Cheung, M. W.-L. (2010). Outlier and influence diagnostics for meta-analysis. <i>Research Synthesis Methods, 1</i>(2), 112–125.",
	"Wang, L. P., & Maxwell, S. E. (2015). On disaggregating between-person and within-person effects with longitudinal data using multilevel models. <i>Psychological Methods, 20</i>(1), 63–83.",
	"Wiedemann, M., Thew, G. R., Stott, R., & Ehlers, A. (2020). suddengains: An R package to identify sudden gains in longitudinal data. <i>PLOS ONE, 15</i>(3), e0230276.",
}

func (r *Report) referencesSection() *section {
	s := &section{id: "references", title: "References"}
	s.add(list{items: references, class: "refs"})
	return s
}

// rDataExpr is the R expression that reads the study data.
func (r *Report) rDataExpr() string { return readCSV(r.studiesSrc) }

func (r *Report) rSessionsExpr() string { return readCSV(r.sessionsSrc) }

func readCSV(src Source) string {
	if src.Embedded {
		return fmt.Sprintf("read.csv(%q)   # alliance datasets export %s --out %s.csv", src.Name+".csv", src.Name, src.Name)
	}
	return fmt.Sprintf("read.csv(%q)", src.Name)
}

func (r *Report) reproSection(in Input) *section {
	s := &section{id: "reproduce", title: "Reproducibility"}
	s.p("Every number of this report is in results.json beside this file, and every figure in figures/ as SVG, PNG and PDF. The commands below recompute them; the R code fits the same models with the reference packages, so a reviewer can check the numbers.")
	if len(r.opt.Commands) > 0 {
		s.h("reproduce-commands", "alliance command lines")
		var b strings.Builder
		for _, c := range r.opt.Commands {
			fmt.Fprintf(&b, "# %s\n%s\n", c.Purpose, c.Line)
		}
		s.add(code{text: b.String(), label: "shell"})
	}
	rc := r.Results.RCode
	if rc.Meta != "" || rc.ThreeLevel != "" || rc.Sessions != "" {
		s.h("reproduce-r", "Equivalent R code")
	}
	if rc.Meta != "" {
		s.p("The random-effects model with metafor (the analysed effect sizes inline, so the numbers match exactly):")
		s.add(code{text: rc.Meta, label: "R"})
	}
	if rc.ThreeLevel != "" {
		s.p("The three-level model and its CR2 robust inference (metafor with clubSandwich):")
		s.add(code{text: rc.ThreeLevel, label: "R"})
	}
	if rc.Sessions != "" {
		s.p("The lagged within/between model with lme4 and lmerTest (the derived columns written out in base R):")
		s.add(code{text: rc.Sessions, label: "R"})
	}
	return s
}
