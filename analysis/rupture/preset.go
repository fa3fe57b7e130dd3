package rupture

import (
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
)

// PresetInfo documents one named set of Options: where the rule comes from,
// which parts of it we have verified in the source, and which are our
// reading of a description we could not check word for word.
type PresetInfo struct {
	Name     string  `json:"name"`
	Citation string  `json:"citation"`
	Options  Options `json:"options"`
	// Verified lists what we checked in the published text (abstract or
	// article) that this preset reproduces.
	Verified string `json:"verified"`
	// Reading lists the parts that are our reading, not checked against the
	// authors' exact wording; change them if your reading differs.
	Reading string `json:"reading"`
}

// caveat is shared by every preset.
const caveat = "Published rupture criteria differ and the exact wording of several is not public; " +
	"Gumz et al. (2012) showed that the number of episodes depends strongly on the criterion, " +
	"so report the preset and run Sensitivity."

// Presets returns the documented presets, in the order of the sensitivity
// table. Every preset repairs within 3 sessions back to the reference
// (RepairFraction 1) unless said otherwise; this repair rule is our reading
// for all of them.
func Presets() []PresetInfo {
	base := DefaultOptions()
	with := func(f func(o *Options)) Options {
		o := base
		f(&o)
		return o
	}
	return []PresetInfo{
		{
			Name:     "stiles2004",
			Citation: "Stiles, W. B., Glick, M. J., Osatuke, K., Hardy, G. E., Shapiro, D. A., Agnew-Davies, R., Rees, A., & Barkham, M. (2004). Patterns of alliance development and the rupture-repair hypothesis: Are productive relationships U-shaped or V-shaped? Journal of Counseling Psychology, 51(1), 81–92.",
			Options: with(func(o *Options) {
				o.Method, o.K, o.SDSource = MethodSD, 2, SDWithin
				o.Reference, o.Window = ReferenceMean, 0
			}),
			Verified: "The stricter 2-SD threshold and the use of the patient's own (intra-individual) variability, as characterised by Gumz et al. (2012), who also report that Stiles et al. called their criterion ad hoc and preliminary.",
			Reading:  "Reference = mean of all the patient's preceding sessions; repair = return to that reference within 3 sessions. " + caveat,
		},
		{
			Name:     "strauss2006",
			Citation: "Strauss, J. L., Hayes, A. M., Johnson, S. L., Newman, C. F., Brown, G. K., Barber, J. P., Laurenceau, J.-P., & Beck, A. T. (2006). Early alliance, alliance ruptures, and symptom change in a nonrandomized trial of cognitive therapy for avoidant and obsessive-compulsive personality disorders. Journal of Consulting and Clinical Psychology, 74(2), 337–345.",
			Options: with(func(o *Options) {
				o.Method, o.K, o.SDSource = MethodSD, 1, SDSample
				o.Reference = ReferencePrevious
			}),
			Verified: "The less strict 1-SD threshold, as characterised by Gumz et al. (2012); Strauss et al. describe their method as most similar to Stiles et al. (2004).",
			Reading:  "SD = the sample's pooled within-patient SD; reference = previous session; repair = back to the pre-rupture level within 3 sessions. " + caveat,
		},
		{
			Name:     "stevens2007",
			Citation: "Stevens, C. L., Muran, J. C., Safran, J. D., Gorman, B. S., & Winston, A. (2007). Levels and patterns of the therapeutic alliance in brief psychotherapy. American Journal of Psychotherapy, 61(2), 109–129.",
			Options: with(func(o *Options) {
				o.Method, o.K, o.SDSource = MethodSD, 1, SDWithin
				o.Reference = ReferencePrevious
			}),
			Verified: "Patient-rated Working Alliance Inventory after every session of 30-session treatments; local rupture-and-repair (V) patterns, found in 50 % of 44 cases (abstract).",
			Reading:  "The numeric rule (1 SD of the patient's own scores below the previous session, back within 3 sessions) is our reading. " + caveat,
		},
		{
			Name:     "mclaughlin2014",
			Citation: "McLaughlin, A. A., Keller, S. M., Feeny, N. C., Youngstrom, E. A., & Zoellner, L. A. (2014). Patterns of therapeutic alliance: Rupture–repair episodes in prolonged exposure for PTSD. Journal of Consulting and Clinical Psychology, 82(1), 112–121.",
			Options: with(func(o *Options) {
				o.Method, o.K, o.SDSource = MethodSD, 1, SDSample
				o.Reference = ReferencePrevious
			}),
			Verified: "Three patient classes (no rupture, repaired rupture, unrepaired rupture) from session-by-session CALPAS ratings over ten sessions; ruptures in 46 % of patients; unrepaired ruptures predicted worse outcome (abstract).",
			Reading:  "The numeric rule (1 sample SD below the previous session, back to it within 3 sessions) is our reading. " + caveat,
		},
		{
			Name:     "larsson2018",
			Citation: "Larsson, M. H., Falkenström, F., Andersson, G., & Holmqvist, R. (2018). Alliance ruptures and repairs in psychotherapy in primary care. Psychotherapy Research, 28(1), 123–136.",
			Options: with(func(o *Options) {
				o.Method, o.K, o.SDSource = MethodSD, 2, SDMax
				o.Reference = ReferencePrevious
			}),
			Verified: "Three patterns (Rupture, Repair, No Rupture) from session-to-session patient-rated alliance in 605 treatments: 10.7 %, 14.7 %, 74.5 % (abstract).",
			Reading:  "The numeric rule (2 SDs, the larger of own and sample SD, below the previous session) is our reading. " + caveat,
		},
		{
			Name:     "gumz2012-2sd",
			Citation: "Gumz, A., Brähler, E., Geyer, M., & Erices, R. (2012). Crisis-repair sequences – considerations on the classification and assessment of breaches in the therapeutic relationship. BMC Medical Research Methodology, 12, 10.",
			Options: with(func(o *Options) {
				o.Method, o.K, o.SDSource = MethodSD, 2, SDMax
				o.Reference = ReferencePrevious
			}),
			Verified: "The stricter 2-SD threshold and combining intra- with inter-individual variability by taking the stricter (larger) SD.",
			Reading:  "Reference = previous session and repair back to it within 3 sessions (their alternative criterion also follows declines over several sessions, which this preset does not). " + caveat,
		},
		{
			Name:     "gumz2012-1sd",
			Citation: "Gumz, A., Brähler, E., Geyer, M., & Erices, R. (2012). Crisis-repair sequences – considerations on the classification and assessment of breaches in the therapeutic relationship. BMC Medical Research Methodology, 12, 10.",
			Options: with(func(o *Options) {
				o.Method, o.K, o.SDSource = MethodSD, 1, SDMax
				o.Reference = ReferencePrevious
			}),
			Verified: "The less strict 1-SD threshold, with the stricter (larger) of the patient's own and the sample's SD.",
			Reading:  "Reference = previous session; repair back to it within 3 sessions. " + caveat,
		},
		{
			Name:     "sudden-loss",
			Citation: "Tang, T. Z., & DeRubeis, R. J. (1999). Sudden gains and critical sessions in cognitive-behavioral therapy for depression. Journal of Consulting and Clinical Psychology, 67(6), 894–904; applied to alliance declines with suddengains 0.7.2's criteria (Wiedemann et al. 2020).",
			Options: with(func(o *Options) {
				o.Method = MethodSuddenLoss
			}),
			Verified: "The relative (25 % of the pre-drop score) and stability (mean of up to 3 sessions before vs after, t-test critical value at alpha .05) criteria are those of suddengains' identify_sg, shared with analysis/change.",
			Reading:  "Applying them to alliance falls, and dropping the absolute criterion unless a cutoff is set (set SuddenLoss.Cutoff, e.g. from change.DefineCrit1Cutoff, and NoCutoff = false). " + caveat,
		},
	}
}

// Preset returns the Options of the preset named name (case-insensitive).
// For presets using the sample SD, SampleSD is left 0: Analyze or Prepare
// fills it from the data.
func Preset(name string) (Options, error) {
	var names []string
	for _, p := range Presets() {
		if strings.EqualFold(p.Name, name) {
			return p.Options, nil
		}
		names = append(names, p.Name)
	}
	return Options{}, errs.New(errs.InvalidOption, "rupture", "unknown preset %q (use one of %s)", name, strings.Join(names, ", "))
}
