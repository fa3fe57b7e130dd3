package mixed

import (
	"errors"
	"math"
	"slices"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/linalg"
)

// Sufficient statistics of a linear mixed model with nested random effects.
//
// The profiled (RE)ML criterion of y = Xβ + Zb + ε depends on the data only
// through, for every finest group j (e.g. a patient within a therapist), the
// count n_j, the sum s_j = Σ v and the cross-products C_j = Σ v vᵀ of its row
// vectors
//
//	v = [z₁ … z_L  x  y]   (length m = Σ q_l + p + 1)
//
// (z_l the random-effect columns of term l, finest term first; x the
// fixed-effect columns; y the response), together with which coarser group
// holds it. The engine of Fit reduces a design to exactly these (see engine),
// so FitStats gives the fit of Fit on the rows that were accumulated: the
// same β̂, θ̂, σ̂², logLik, Satterthwaite df, conditional modes (BLUPs) and
// R², to rounding (summation order; tested to 1e-9 relative).
//
// This is the map–reduce form of the fit: accumulate a GroupStats per group
// over any partition of the rows (Stats.Group, GroupStats.Add), combine the
// partitions by summation (Stats.Merge, GroupStats.Merge — a group split over
// partitions sums too), and fit once from the merged statistics (FitStats).
// Only the optimiser over θ runs on one machine; its cost is O(groups · q · m²)
// per evaluation and memory O(groups · m²), whatever the number of rows.
//
// Centring that needs group means (within/between splits of a predictor) is
// a linear map of the row vector that is constant within a group: if
// v = A u for the group's rows, then n, A s_u and A C_u Aᵀ are the statistics
// of v. GroupStats.Transform applies such a map, so a runner may accumulate
// raw moments (e.g. of [1, a, …]) and centre algebraically once the means
// are known (package sessions does so for therapist means).
//
// Not available from sufficient statistics: AR(1) residuals (they need the
// lag-1 cross-products per time gap), type I–III ANOVA and estimated
// marginal means (they need the model's variables, not only X), and the
// notes Fit derives from the raw columns (numeric codes of a categorical
// variable). Model.Anova and Model.EMMeans return an error for such a model;
// Compare refits it from its statistics.

// StatsSpec describes the model whose statistics are accumulated.
type StatsSpec struct {
	// Formula is the model as lme4 would write it; it is reported as
	// Result.Formula and is not parsed.
	Formula string `json:"formula"`
	// Response names y (for messages and Compare).
	Response string `json:"response"`
	// XNames are the fixed-effect columns of x in order, named as R's
	// model.matrix names them. With Intercept, XNames[0] is "(Intercept)"
	// and x[0] = 1 in every row.
	XNames    []string `json:"xnames"`
	Intercept bool     `json:"intercept"`
	// Terms are the random-effect terms, finest grouping first; each
	// term's groups must be nested in the next term's.
	Terms []StatsTerm `json:"terms"`
}

// StatsTerm is one random-effect term: its group name as lme4 prints it
// ("patient:therapist") and the names of its columns ("(Intercept)",
// "session"), whose values are that term's z in the row vector.
type StatsTerm struct {
	Name     string   `json:"name"`
	ColNames []string `json:"colnames"`
}

// Dim returns m = Σ q_l + p + 1, the length of a row vector.
func (s StatsSpec) Dim() int {
	m := len(s.XNames) + 1
	for _, t := range s.Terms {
		m += len(t.ColNames)
	}
	return m
}

// Check reports a specification that cannot be fitted.
func (s StatsSpec) Check() error {
	if len(s.Terms) == 0 {
		return errs.New(errs.InvalidOption, "mixed", "sufficient statistics need at least one random-effect term")
	}
	for _, t := range s.Terms {
		if len(t.ColNames) == 0 {
			return errs.New(errs.InvalidOption, "mixed", "random term %q has no columns", t.Name)
		}
	}
	if s.Intercept && (len(s.XNames) == 0 || s.XNames[0] != "(Intercept)") {
		return errs.New(errs.InvalidOption, "mixed", "with an intercept the first fixed-effect column must be \"(Intercept)\"")
	}
	return nil
}

// GroupStats are the statistics of one finest group.
type GroupStats struct {
	// Labels[l] holds the values of term l's grouping variables for this
	// group, e.g. {"17", "T3"} for patient 17 of therapist T3 under
	// "patient:therapist", then {"T3"} for "therapist". A term's group
	// label is its values joined by ":"; groups are ordered as Fit orders
	// text factors: by the values, the last most significant, each in byte
	// order.
	Labels [][]string `json:"labels"`
	// N is the number of rows, Sum = Σ v (length m) and Cross = Σ v vᵀ,
	// the lower triangle packed row by row (v_a v_b for b ≤ a at index
	// a(a+1)/2 + b; length m(m+1)/2).
	N     int       `json:"n"`
	Sum   []float64 `json:"sum"`
	Cross []float64 `json:"cross"`
}

// Add accumulates one row vector v = [z₁ … z_L x y] (length m). Rows with a
// missing value must be left out by the caller (and counted in
// Stats.Dropped).
func (g *GroupStats) Add(v []float64) {
	g.N++
	k := 0
	for a, va := range v {
		g.Sum[a] += va
		row := g.Cross[k : k+a+1]
		if va != 0 {
			for b := range row {
				row[b] += va * v[b]
			}
		}
		k += a + 1
	}
}

// Merge adds o's statistics (the same group seen in another partition).
func (g *GroupStats) Merge(o *GroupStats) {
	g.N += o.N
	for i, v := range o.Sum {
		g.Sum[i] += v
	}
	for i, v := range o.Cross {
		g.Cross[i] += v
	}
}

// Transform returns the statistics of the rows A u, given g's statistics of
// the rows u: n, A s and A C Aᵀ. A is rows × len(g.Sum), row-major; the
// result has g's labels (shared, not copied).
func (g *GroupStats) Transform(A []float64, rows int) GroupStats {
	out := GroupStats{Labels: g.Labels, Sum: make([]float64, rows), Cross: make([]float64, rows*(rows+1)/2)}
	g.TransformAdd(&out, A, nil)
	return out
}

// TransformAdd adds the statistics of the rows A u to dst (whose dimension
// is A's number of rows), given g's statistics of the rows u. scratch, when
// not nil, is reused between calls (its length is grown as needed).
func (g *GroupStats) TransformAdd(dst *GroupStats, A []float64, scratch *[]float64) {
	m := len(g.Sum)
	rows := len(dst.Sum)
	var buf []float64
	if scratch != nil {
		buf = *scratch
	}
	if cap(buf) < m*m+rows*m {
		buf = make([]float64, m*m+rows*m)
	}
	buf = buf[:m*m+rows*m]
	if scratch != nil {
		*scratch = buf
	}
	C, AC := buf[:m*m], buf[m*m:]
	for a := 0; a < m; a++ {
		for b := 0; b <= a; b++ {
			v := g.Cross[a*(a+1)/2+b]
			C[a*m+b], C[b*m+a] = v, v
		}
	}
	dst.N += g.N
	for i := 0; i < rows; i++ {
		Ai := A[i*m : (i+1)*m]
		s := 0.0
		for k, x := range Ai {
			s += x * g.Sum[k]
		}
		dst.Sum[i] += s
		for c := 0; c < m; c++ {
			t := 0.0
			for k, x := range Ai {
				if x != 0 {
					t += x * C[k*m+c]
				}
			}
			AC[i*m+c] = t
		}
	}
	for i := 0; i < rows; i++ {
		for j := 0; j <= i; j++ {
			Aj := A[j*m : (j+1)*m]
			t := 0.0
			for k, x := range Aj {
				if x != 0 {
					t += AC[i*m+k] * x
				}
			}
			dst.Cross[i*(i+1)/2+j] += t
		}
	}
}

// Stats are the sufficient statistics of one model over the rows
// accumulated so far.
type Stats struct {
	Spec StatsSpec `json:"spec"`
	// Groups are the finest groups in order of first appearance (the
	// order does not matter to the fit).
	Groups []*GroupStats `json:"groups"`
	// Dropped counts rows the caller left out for missing values
	// (reported as Result.Dropped).
	Dropped int `json:"dropped"`
	index   map[string]int
}

// NewStats returns empty statistics for spec.
func NewStats(spec StatsSpec) (*Stats, error) {
	if err := spec.Check(); err != nil {
		return nil, err
	}
	return &Stats{Spec: spec, index: map[string]int{}}, nil
}

func groupKey(labels [][]string) string {
	var b strings.Builder
	for l, t := range labels {
		if l > 0 {
			b.WriteByte(0)
		}
		for k, v := range t {
			if k > 0 {
				b.WriteByte(1)
			}
			b.WriteString(v)
		}
	}
	return b.String()
}

func (s *Stats) reindex() {
	s.index = make(map[string]int, len(s.Groups))
	for i, g := range s.Groups {
		s.index[groupKey(g.Labels)] = i
	}
}

// Group returns the statistics of the finest group with these labels (one
// slice of grouping values per term, finest first; see GroupStats.Labels),
// creating it empty on first use. Keep the pointer while adding that
// group's rows: the look-up is a map access.
func (s *Stats) Group(labels ...[]string) *GroupStats {
	if s.index == nil || len(s.index) != len(s.Groups) {
		s.reindex()
	}
	key := groupKey(labels)
	if i, ok := s.index[key]; ok {
		return s.Groups[i]
	}
	m := s.Spec.Dim()
	cp := make([][]string, len(labels))
	for l, t := range labels {
		cp[l] = slices.Clone(t)
	}
	buf := make([]float64, m+m*(m+1)/2) // one allocation per group
	g := &GroupStats{Labels: cp, Sum: buf[:m:m], Cross: buf[m:]}
	s.index[key] = len(s.Groups)
	s.Groups = append(s.Groups, g)
	return g
}

// AddGroup adds g's statistics to the group with its labels (a new group,
// or one seen before, which then sums). g is copied when new.
func (s *Stats) AddGroup(g *GroupStats) error {
	m := s.Spec.Dim()
	if len(g.Sum) != m || len(g.Cross) != m*(m+1)/2 || len(g.Labels) != len(s.Spec.Terms) {
		return errs.New(errs.InvalidOption, "mixed", "group statistics of dimension %d (%d terms) do not fit a model of dimension %d (%d terms)", len(g.Sum), len(g.Labels), m, len(s.Spec.Terms))
	}
	dst := s.Group(g.Labels...)
	dst.Merge(g)
	return nil
}

// Merge adds the statistics of o, accumulated over other rows of the same
// model (its spec must equal s's): groups with the same labels sum.
func (s *Stats) Merge(o *Stats) error {
	if !specEqual(s.Spec, o.Spec) {
		return errs.New(errs.InvalidOption, "mixed", "statistics of different models cannot be merged (%q and %q)", s.Spec.Formula, o.Spec.Formula)
	}
	for _, g := range o.Groups {
		if err := s.AddGroup(g); err != nil {
			return err
		}
	}
	s.Dropped += o.Dropped
	return nil
}

func specEqual(a, b StatsSpec) bool {
	if a.Formula != b.Formula || a.Response != b.Response || a.Intercept != b.Intercept || !slices.Equal(a.XNames, b.XNames) || len(a.Terms) != len(b.Terms) {
		return false
	}
	for i := range a.Terms {
		if a.Terms[i].Name != b.Terms[i].Name || !slices.Equal(a.Terms[i].ColNames, b.Terms[i].ColNames) {
			return false
		}
	}
	return true
}

// NObs returns the number of rows accumulated.
func (s *Stats) NObs() int {
	n := 0
	for _, g := range s.Groups {
		n += g.N
	}
	return n
}

// FitStats fits the model from its sufficient statistics, as Fit would fit
// it to the rows accumulated (see the package's sufficient-statistics
// notes above StatsSpec): REML (default) or ML over the profiled deviance
// with the same optimiser, Newton polish, Satterthwaite df, BLUPs and R².
// opts.AR1 is not supported. Empty groups are ignored.
func FitStats(s *Stats, opts Options) (*Model, error) {
	if s == nil {
		return nil, errs.New(errs.InvalidOption, "mixed", "no statistics to fit")
	}
	if opts.AR1 != "" || opts.Correlation != "" || opts.Weights != "" {
		return nil, errs.New(errs.InvalidOption, "mixed", "residual correlation structures and variance functions (AR(1) included) cannot be fitted from sufficient statistics; use Fit on the rows")
	}
	if err := s.Spec.Check(); err != nil {
		return nil, err
	}
	if opts.Level == 0 {
		opts.Level = 0.95
	}
	if !(opts.Level > 0 && opts.Level < 1) {
		return nil, errs.New(errs.InvalidOption, "mixed", "confidence level %g must lie in (0, 1)", opts.Level)
	}
	d, groups, err := statsDesign(s)
	if err != nil {
		return nil, err
	}
	if d.n-d.p < 1 {
		return nil, errs.New(errs.TooFew, "mixed", "%d observations for %d fixed effects", d.n, d.p)
	}
	e := newStatsEngine(d, groups)
	m, err := fitDesign(s.Spec.Formula, Data{}, opts, d, e)
	if err != nil {
		return nil, err
	}
	m.stats = s
	return m, nil
}

// statsDesign builds the design of a fit from statistics: the levels (node
// order as Fit's: groups sorted by their labels), the parent maps (checking
// nesting), n, p, the y shift and the totals that r2 and checkRank need. It
// returns the non-empty finest groups in node order.
func statsDesign(s *Stats) (*design, []*GroupStats, error) {
	sp := s.Spec
	nl := len(sp.Terms)
	var groups []*GroupStats
	for _, g := range s.Groups {
		if g.N > 0 {
			if len(g.Labels) != nl {
				return nil, nil, errs.New(errs.InvalidOption, "mixed", "a group has labels for %d terms; the model has %d", len(g.Labels), nl)
			}
			groups = append(groups, g)
		}
	}
	if len(groups) == 0 {
		return nil, nil, errs.New(errs.TooFew, "mixed", "no complete rows (every row has a missing value in a model column)")
	}
	d := &design{formula: Formula{Response: sp.Response, Intercept: sp.Intercept}, p: len(sp.XNames), xnames: slices.Clone(sp.XNames), dropped: s.Dropped}
	d.m0 = sp.Dim()
	cmpTuple := func(a, b []string) int {
		for v := len(a) - 1; v >= 0; v-- {
			if c := strings.Compare(a[v], b[v]); c != 0 {
				return c
			}
		}
		return len(a) - len(b)
	}
	// Finest nodes in Fit's order: by the finest labels.
	slices.SortStableFunc(groups, func(a, b *GroupStats) int { return cmpTuple(a.Labels[0], b.Labels[0]) })
	for _, g := range groups {
		d.n += g.N
	}
	// Nodes of every level: its distinct label tuples in sorted order.
	node := make([][]int, nl) // node[l][g]: node of group g at level l
	off, toff := 0, 0
	for l, t := range sp.Terms {
		lv := level{name: t.Name, colNames: slices.Clone(t.ColNames), q: len(t.ColNames), off: off, thetaOff: toff}
		off += lv.q
		toff += lv.q * (lv.q + 1) / 2
		ord := make([]int, len(groups))
		for i := range ord {
			ord[i] = i
		}
		slices.SortStableFunc(ord, func(a, b int) int { return cmpTuple(groups[a].Labels[l], groups[b].Labels[l]) })
		node[l] = make([]int, len(groups))
		for k, gi := range ord {
			if k == 0 || cmpTuple(groups[ord[k-1]].Labels[l], groups[gi].Labels[l]) != 0 {
				lv.labels = append(lv.labels, strings.Join(groups[gi].Labels[l], ":"))
			}
			node[l][gi] = len(lv.labels) - 1
		}
		lv.nodes = len(lv.labels)
		if lv.nodes < 2 {
			return nil, nil, errs.New(errs.TooFew, "mixed", "grouping factor %q has a single level in the rows used; a variance between groups needs at least two groups (drop the term)", lv.name)
		}
		d.levels = append(d.levels, lv)
	}
	if d.levels[0].nodes != len(groups) {
		return nil, nil, errs.New(errs.InvalidOption, "mixed", "finest groups of %q repeat with different coarser labels; give each finest group its labels once", d.levels[0].name)
	}
	if d.levels[0].nodes >= d.n {
		return nil, nil, errs.New(errs.Singular, "mixed", "grouping factor %q has %d levels for %d observations; the random effects and the residual cannot be told apart (lme4 refuses this too)", d.levels[0].name, d.levels[0].nodes, d.n)
	}
	for l := 0; l+1 < nl; l++ {
		par := make([]int, d.levels[l].nodes)
		for i := range par {
			par[i] = -1
		}
		for gi := range groups {
			c, pc := node[l][gi], node[l+1][gi]
			if par[c] < 0 {
				par[c] = pc
			} else if par[c] != pc {
				return nil, nil, errs.New(errs.InvalidOption, "mixed", "grouping factors %q and %q are crossed (group %q of %q occurs in several groups of %q); only nested random effects are supported", d.levels[l].name, d.levels[l+1].name, d.levels[l].labels[c], d.levels[l].name, d.levels[l+1].name)
			}
		}
		if d.levels[l].nodes == d.levels[l+1].nodes {
			return nil, nil, errs.New(errs.InvalidOption, "mixed", "random terms for %q and %q use the same grouping; several terms on one grouping factor are not supported, use one term such as (1 + x | g)", d.levels[l].name, d.levels[l+1].name)
		}
		d.levels[l].parent = par
	}
	m0, p := d.m0, d.p
	yi := m0 - 1
	tot := &totals{sum: make([]float64, m0), cross: make([]float64, m0*m0)}
	for _, g := range groups {
		for a := 0; a < m0; a++ {
			tot.sum[a] += g.Sum[a]
			for b := 0; b <= a; b++ {
				tot.cross[a*m0+b] += g.Cross[a*(a+1)/2+b]
			}
		}
	}
	for a := 0; a < m0; a++ {
		for b := 0; b < a; b++ {
			tot.cross[b*m0+a] = tot.cross[a*m0+b]
		}
	}
	d.tot = tot
	if sp.Intercept {
		d.yShift = tot.sum[yi] / float64(d.n)
	}
	// Full column rank of X (as checkRank).
	Q := m0 - p - 1
	if p > 0 {
		if d.n <= p {
			return nil, nil, errs.New(errs.TooFew, "mixed", "%d observations for %d fixed effects; need more observations than fixed effects", d.n, p)
		}
		a := make([]float64, p*p)
		for i := 0; i < p; i++ {
			for j := 0; j <= i; j++ {
				a[i*p+j] = tot.cross[(Q+i)*m0+Q+j]
			}
		}
		var np *linalg.NotPositiveDefinite
		if err := linalg.CholeskyTol(a, p, 1e-10); errors.As(err, &np) {
			return nil, nil, errs.New(errs.Singular, "mixed", "fixed-effect column %q is constant zero or a linear combination of earlier columns (rank-deficient design); remove it from the formula", d.xnames[np.Pivot])
		} else if err != nil {
			return nil, nil, errs.New(errs.Singular, "mixed", "fixed-effect cross-product: %v", err)
		}
	}
	for _, v := range tot.sum {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, nil, errs.New(errs.InvalidOption, "mixed", "the statistics hold a missing or infinite value; leave rows with missing values out")
		}
	}
	return d, groups, nil
}

// totals are the column sums and cross-products of all rows (full m×m),
// kept by a design built from statistics for R² (r2).
type totals struct {
	sum, cross []float64
}

// centredCross writes g's cross-products of [z x y − c] into F (full m×m
// with row stride m; only the lower triangle is significant):
// C − c (s e_yᵀ + e_y sᵀ) + c² n e_y e_yᵀ.
func centredCross(g *GroupStats, c float64, m int, F []float64) {
	yi := m - 1
	for a := 0; a < m; a++ {
		for b := 0; b <= a; b++ {
			v := g.Cross[a*(a+1)/2+b]
			if a == yi {
				v -= c * g.Sum[b]
				if b == yi {
					v -= c*g.Sum[a] - c*c*float64(g.N)
				}
			}
			F[a*m+b] = v
		}
	}
}

// newStatsEngine is newEngine for a design from statistics: a finest
// group's own columns (stride q₀) are kept for the elimination, and its
// rest block goes into the coarser bases once.
func newStatsEngine(d *design, groups []*GroupStats) *engine {
	e := newEngine(d)
	m0 := d.m0
	q0 := d.levels[0].q
	e.fs0 = q0
	e.S = make([]float64, len(groups)*m0*q0)
	F := make([]float64, m0*m0)
	for j, g := range groups {
		centredCross(g, d.yShift, m0, F)
		own := e.S[j*m0*q0 : (j+1)*m0*q0]
		for r := 0; r < m0; r++ {
			for i := 0; i < q0 && i <= r; i++ {
				own[r*q0+i] = F[r*m0+i]
			}
		}
		e.addToAncestors(j, F)
	}
	return e
}

// errNoColumns is returned by the methods that need the model's variables
// for a model fitted from statistics.
func errNoColumns(what string) error {
	return errs.New(errs.InvalidOption, "mixed", "%s needs the data's columns; this model was fitted from sufficient statistics (refit it with Fit)", what)
}
