package meta

// Design is the complete-case model of a meta-regression as Fit builds it:
// the kept effect sizes and variances, the k×p model matrix with
// treatment-coded factors and R's column names ("intrcpt" first), and the
// index in the caller's input of every kept row. Other packages (multilevel
// models, cluster-robust inference) use it so that moderators are coded,
// named and checked exactly as in Fit.
type Design struct {
	K, P  int
	Y, V  []float64 // kept effect sizes and sampling variances
	X     []float64 // K*P, row-major; column 0 is the intercept
	Names []string  // column names, "intrcpt" first
	Rows  []int     // index of each kept row in the input
	Notes []string  // what was dropped and why
	// Mods are the moderators on the kept rows (factor levels trimmed), as
	// the model matrix codes them; Design.CodeRow uses them.
	Mods []Moderator
}

// BuildDesign validates yi, vi and the moderators, drops rows with missing
// values (NaN yi/vi/numeric moderator, empty factor level) and builds the
// treatment-coded model matrix. It returns an error naming the problem for
// non-positive or non-finite variances, mismatched lengths, and constant or
// collinear design columns.
func BuildDesign(yi, vi []float64, mods []Moderator) (*Design, error) {
	d, notes, err := newDesign(yi, vi, mods, nil)
	if err != nil {
		return nil, err
	}
	return &Design{K: d.k, P: d.p, Y: d.y, V: d.v, X: d.x, Names: d.names, Rows: d.rows, Notes: notes, Mods: d.mods}, nil
}

// ModelMatrix returns the k×p model matrix (row-major) of a fitted model and
// its column names; rows correspond to r.Yi, r.Vi and r.Rows.
func (r *Result) ModelMatrix() (x []float64, names []string) {
	if r == nil || r.d == nil {
		return nil, nil
	}
	return r.d.x, r.d.names
}
