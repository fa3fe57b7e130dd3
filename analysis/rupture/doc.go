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
// to w preceding observed sessions.
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
