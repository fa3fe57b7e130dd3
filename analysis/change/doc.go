// Package change finds sudden gains and sudden losses in session-by-session
// symptom scores, and classifies pre–post change as reliable and clinically
// significant.
//
// # Sudden gains and losses
//
// The sudden-gain functions reproduce the R package suddengains 0.7.2
// (Wiedemann, Thew, Stott & Ehlers 2020) function for function:
//
//	suddengains            this package
//	define_crit1_cutoff    DefineCrit1Cutoff
//	select_cases           SelectCases
//	identify_sg/_sl        Detector.Intervals (one row of the identify_* table)
//	check_interval         CheckInterval
//	create_bysg            ByGain (Detector.Find for one patient, streaming)
//	create_byperson        ByPerson
//	extract_values         ExtractValues
//	describe_sg            DescribeGains, DescribePersons
//	count_intervals        CountIntervals
//
// A series holds one patient's scores by session position (NaN = missing),
// exactly like one row of the package's wide data restricted to
// sg_var_list. The three Tang & DeRubeis (1999) criteria are, for the
// interval from pregain position p to postgain position p+1:
//
//  1. absolute: x[p] − x[p+1] ≥ cutoff (gains) or ≤ cutoff (losses, cutoff < 0);
//  2. relative: x[p] − x[p+1] ≥ pct·x[p] (gains);
//  3. stability: mean(pre) − mean(post) > t·s_pooled, where pre holds up to
//     three scores x[p−2..p] and post up to three scores x[p+1..p+3], at least
//     two of each must be present, and t is the two-sided Student t critical
//     value at alpha with n_pre + n_post − 2 degrees of freedom (2.776, 3.182,
//     4.303 for alpha = .05) or a fixed value.
//
// Intervals are examined from positions 2→3 to (n−2)→(n−1) (1-based), as in
// the package; an interval is "not available" (NA) when any applied criterion
// cannot be evaluated.
//
// Package behaviours that look unintended are reproduced by default and the
// evidently intended rule is offered as an option (see Criteria):
//
//   - identify_sl applies the relative criterion as x[p] − x[p+1] ≤ pct·x[p],
//     which every loss on a positive scale satisfies, so it never restricts;
//     LossPctIntended requires x[p+1] − x[p] ≥ pct·x[p] instead.
//   - create_bysg looks for a reversal from the third session after the pregain
//     session onwards (it skips x[p+2]) unless identify_sg_1to2 is set, in which
//     case it starts at x[p+2]; ReversalFromN2 always starts at x[p+2].
//   - create_byperson "largest" keeps the largest signed magnitude, which for
//     losses (negative magnitudes) is the smallest loss.
//
// # Reliable and clinically significant change
//
// Distribution, Combined and Percentage reproduce cs_distribution,
// cs_combined and cs_percentage of the R package clinicalsignificance
// (Claus; version 3.0.0.9000): the reliable change index of Jacobson & Truax
// (1991) and the alternatives GLN (Gulliksen, Lord & Novick), HLL (Hsu, Lin &
// Lord), EN (Edwards & Nunnally / Speer), NK (Nunnally & Kotsch) and HA
// (Hageman & Arrindell 1999); cutoffs a, b and c (Jacobson & Truax 1991); and
// the categories recovered, improved, unchanged, deteriorated and harmed.
// HLMDistribution and HLMCombined add the HLM method (empirical Bayes slopes
// of a random-slope growth model, analysis/mixed), which uses every
// measurement of long data.
//
// References
//
//	Tang, T. Z., & DeRubeis, R. J. (1999). Sudden gains and critical sessions
//	  in cognitive-behavioral therapy for depression. JCCP, 67(6), 894–904.
//	Lutz, W., et al. (2013). The ups and downs of psychotherapy. Psychotherapy
//	  Research, 23(1), 14–24.
//	Wiedemann, M., Thew, G. R., Stott, R., & Ehlers, A. (2020). suddengains: An
//	  R package to identify sudden gains in longitudinal data. PLoS ONE 15(3).
//	Jacobson, N. S., & Truax, P. (1991). Clinical significance: A statistical
//	  approach to defining meaningful change in psychotherapy research. JCCP,
//	  59(1), 12–19.
//	Hageman, W. J., & Arrindell, W. A. (1999). Establishing clinically
//	  significant change. Behaviour Research and Therapy, 37, 1169–1193.
package change
