// Package rupture finds ruptures and repairs of the therapeutic alliance in
// session-by-session ratings (V-episodes), classifies patients as having no
// rupture, only repaired ruptures or an unrepaired rupture, and estimates the
// rupture–repair effect on outcome in a form meta-analysis can pool.
//
// # Detection
//
// Each patient's series is taken in session order; missing sessions are
// skipped, and Options.MaxGap breaks a series where two observed sessions are
// too far apart. A session t is a rupture when the drop from a reference
// level, drop = reference − x_t, is positive and reaches the method's
// threshold (see Detector.Patient):
//
//	sd           drop ≥ k·SD, SD the patient's own (within), the sample's
//	             pooled within-patient SD (sample), or the larger (max)
//	threshold    drop ≥ X scale points
//	percent      drop ≥ P % of the reference
//	rci          drop ≥ 1.96·√2·s·√(1 − r)            (Jacobson & Truax 1991)
//	sudden-loss  Tang & DeRubeis (1999) criteria on falls of the score,
//	             applied by analysis/change (suddengains 0.7.2's identify_sg)
//	self-report  post-session rupture item ≥ min         (Muran et al. 2009)
//
// The reference is the previous observed session (default) or the mean of up
// to w preceding observed sessions. The default rule is sd with k = 2 and the
// sample's pooled within-patient SD; DefaultOptions explains why not the
// patient's own SD.
//
// # Repair, episodes and classes
//
// A rupture is repaired at the first observed session within RepairWindow
// sessions whose score regains RepairFraction of the drop (1 = back to the
// reference). Episodes do not overlap. A patient is "none" without ruptures,
// "repaired" when every rupture was repaired, "unrepaired" when at least one
// was not (censored windows included), and "insufficient" when the rule
// cannot be applied (e.g. a single session, all scores missing).
//
// # Presets and what is verified
//
// Published criteria differ (Stiles et al. 2004; Strauss et al. 2006;
// Stevens et al. 2007; McLaughlin et al. 2014; Larsson et al. 2018), and the
// exact wording of several is not public. Gumz, Brähler, Geyer & Erices
// (2012, BMC Medical Research Methodology 12:10) showed that the number of
// episodes depends strongly on the criterion (the stricter 2-SD versus the
// less strict 1-SD threshold, the patient's own versus the sample's
// variability) and proposed taking the stricter of the two SDs. Every rule
// here is therefore a parameter; Presets documents, for each named preset,
// which parts were checked in the published text and which are our reading.
// Sensitivity runs several presets side by side.
//
// # Recovery of planted episodes (simulation, not clinical validation)
//
// How well does each rule find ruptures that are known to be there? The
// test TestRecoveryOfPlantedEpisodes simulates 2,000 patients with the
// parameters of the demo-sessions dataset (datasets/simulate
// DefaultSessionParams: within-patient SD 0.2 with lag-1 autocorrelation .5;
// 15 % of patients with a V-shaped rupture of 1 point, 5 within-patient SDs,
// repaired within 1–3 sessions to 0.3 points above the usual level; 10 % with
// a drop of 1 point that persists) and compares each rule's classes with the
// planted ones (run it with -v to print this table):
//
//	rule            flagged  sens  spec  rep→rep  unr→unr  at-sess  kappa
//	default           27.8%  .984  .966    .914     .986     .982    .908
//	own SD, k = 2     43.5%  .720  .664    .728     .656     .997    .378
//	stiles2004        33.0%  .693  .795    .702     .646     .963    .489
//	strauss2006       71.2% 1.000  .388    .616    1.000     .852    .268
//	stevens2007       93.7%  .996  .083    .791     .995     .943    .154
//	mclaughlin2014    71.2% 1.000  .388    .616    1.000     .852    .268
//	larsson2018       20.9%  .718  .968    .728     .651     .997    .735
//	gumz2012-2sd      20.9%  .718  .968    .728     .651     .997    .735
//	gumz2012-1sd      71.1%  .996  .388    .795     .995     .943    .304
//	sudden-loss        7.0%  .270 1.000    .007     .632    1.000    .373
//
// flagged: patients found with a rupture (planted: 25 %); sens: planted
// rupture patients found with one; spec: planted rupture-free patients found
// without; rep→rep, unr→unr: planted repaired (unrepaired) patients
// classified repaired (unrepaired); at-sess: flagged planted patients with an
// episode at the planted session; kappa: Cohen's κ of the three classes. The
// test requires the default rule to reach sens ≥ .95, spec ≥ .93, rep→rep ≥
// .85, unr→unr ≥ .90 and at-sess ≥ .90. On demo-sessions itself (240
// patients) the default rule flags 65 patients: 62 of the 63 planted and 3 of
// the 177 rupture-free; 35 of 37 planted repairs are classified repaired and
// 25 of 26 planted unrepaired ruptures unrepaired.
//
// Reading the table. Rules that scale the drop by the patient's own SD
// (own SD, stiles2004, and the stricter-of-two larsson2018 and gumz2012-2sd)
// classify only about two thirds of the planted unrepaired ruptures as
// unrepaired, because a drop that persists inflates the very SD it is judged
// by (see DefaultOptions); the
// own-SD rule also flags a third of the rupture-free patients, since its
// false-alarm rate depends on the autocorrelation of the fluctuation, not on
// its size. The stricter-of-two SD removes those false alarms. The 1-SD rules
// (strauss2006, mclaughlin2014, stevens2007, gumz2012-1sd) find every
// planted rupture and many that were not planted. The sudden-loss rule finds
// lasting drops but almost no V-episodes: its stability criterion (the three
// sessions after the drop significantly below the three before, by a t
// test) is built to exclude quick recoveries.
//
// These figures describe one simulation model, not real ratings: every
// simulated patient fluctuates with the same SD, the case the sample SD suits
// best, and a planted rupture is a clean drop of 5 SDs. They say how the
// rules behave when the truth is known; they do not say which rule agrees
// with clinicians' or observers' judgement of ruptures, which no data here
// can check.
//
// # Effects
//
// Effects compares outcome (change or post score) between classes: means
// and SDs by class; for repaired vs unrepaired, repaired vs none and
// unrepaired vs none the mean difference with a t test, Cohen's d, Hedges' g
// with its variance, and the point-biserial r with Fisher's z and variance
// 1/(n − 3), which `alliance meta` can pool as Eubanks, Muran & Safran (2018)
// pooled r = .29 over 11 studies; and the ANCOVA post ~ class + pre. A
// session-level mixed model of symptom change after repaired and unrepaired
// ruptures needs analysis/mixed and is not part of this package.
//
// # Streaming
//
// Detector.Patient processes one patient with reused buffers and Tally
// accumulates the summary, so 10⁶ patients need memory only for one patient
// (plus SampleStats' first pass when the sample SD is used).
//
// References
//
//	Stiles, W. B., et al. (2004). Journal of Counseling Psychology, 51, 81–92.
//	Strauss, J. L., et al. (2006). Journal of Consulting and Clinical
//	  Psychology, 74, 337–345.
//	Stevens, C. L., et al. (2007). American Journal of Psychotherapy, 61,
//	  109–129.
//	Muran, J. C., et al. (2009). Psychotherapy: Theory, Research, Practice,
//	  Training, 46, 233–248.
//	Gumz, A., Brähler, E., Geyer, M., & Erices, R. (2012). BMC Medical
//	  Research Methodology, 12, 10.
//	McLaughlin, A. A., et al. (2014). Journal of Consulting and Clinical
//	  Psychology, 82, 112–121.
//	Larsson, M. H., et al. (2018). Psychotherapy Research, 28, 123–136.
//	Eubanks, C. F., Muran, J. C., & Safran, J. D. (2018). Alliance rupture
//	  repair: A meta-analysis. Psychotherapy, 55, 508–519.
//	Tang, T. Z., & DeRubeis, R. J. (1999). JCCP, 67, 894–904.
//	Jacobson, N. S., & Truax, P. (1991). JCCP, 59, 12–19.
//	Hedges, L. V. (1981). Journal of Educational Statistics, 6, 107–128.
package rupture
