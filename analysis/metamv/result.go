package metamv

import "github.com/alliance-research/alliance/analysis/meta"

// LRTest is a likelihood-ratio test of the three-level model against a
// two-level model with one variance component fixed at zero (metafor's
// anova(full, reduced)).
type LRTest struct {
	Reduced       string  `json:"reduced"`   // which component is zero, e.g. "sigma2_outer = 0"
	Component     int     `json:"component"` // 0 (outer) or 1 (inner)
	LogLikFull    float64 `json:"logLik_full"`
	LogLikReduced float64 `json:"logLik_reduced"`
	AICFull       float64 `json:"AIC_full"`
	AICReduced    float64 `json:"AIC_reduced"`
	BICFull       float64 `json:"BIC_full"`
	BICReduced    float64 `json:"BIC_reduced"`
	LRT           float64 `json:"LRT"` // max(0, 2(ℓ_full − ℓ_reduced))
	DF            int     `json:"df"`  // 1
	P             float64 `json:"p"`   // χ²(1) upper tail
}

// VarianceDistribution splits the total variance over the three levels
// (Cheung 2014, eq. 14; Assink & Wibbelink 2016; dmetar's
// mlm.variance.distribution): with the typical sampling variance
//
//	ṽ = (k − 1)·Σwᵢ / ((Σwᵢ)² − Σwᵢ²),  wᵢ = 1/vᵢ,
//
// level 1 (sampling error) is ṽ/T, level 2 (within clusters) σ²_inner/T and
// level 3 (between clusters) σ²_outer/T, T = ṽ + σ²_inner + σ²_outer, in
// percent. I2Total is level 2 + level 3.
type VarianceDistribution struct {
	TypicalV float64 `json:"typical_v"`
	Level1   float64 `json:"I2_level1"`
	Level2   float64 `json:"I2_level2"`
	Level3   float64 `json:"I2_level3"`
	I2Total  float64 `json:"I2_total"`
}

// Result is a fitted three-level model (metafor's rma.mv with
// random = ~ 1 | outer/inner). Index 0 of the two-element arrays is the
// outer level (between clusters), index 1 the inner level (within
// clusters), the order of metafor's sigma2.
type Result struct {
	K       int     `json:"k"`
	P       int     `json:"p"`
	Measure string  `json:"measure"`
	Method  string  `json:"method"`
	Test    string  `json:"test"`
	Level   float64 `json:"level"`
	Rho     float64 `json:"rho"` // within-cluster sampling-error correlation

	Coefficients []meta.Coef `json:"coefficients"`

	Sigma2      [2]float64           `json:"sigma2"`              // [outer, inner]
	Sigma2Fixed [2]bool              `json:"sigma2_fixed"`        // fixed by the user
	Sigma2CI    [2]*[2]float64       `json:"sigma2_ci,omitempty"` // profile-likelihood CIs
	CINotes     []string             `json:"ci_notes,omitempty"`  // truncated bounds etc.
	Levels      [2]string            `json:"levels"`              // e.g. "study", "study/es_id"
	NLevels     [2]int               `json:"s_nlevels"`           // clusters, inner units
	QE          float64              `json:"QE"`                  // (y − Xb)'V⁻¹(y − Xb), FE fit
	QEDF        int                  `json:"QE_df"`               // k − p
	QEP         *float64             `json:"QE_p"`                // χ²(k − p)
	QM          float64              `json:"QM"`                  // Wald test of the moderators (F under test t)
	QMDF        int                  `json:"QM_df"`               //
	QMDF2       *int                 `json:"QM_df2,omitempty"`    // denominator df under test t
	QMP         float64              `json:"QM_p"`                //
	PILB        *float64             `json:"pi_lb,omitempty"`     // prediction interval (intercept-only)
	PIUB        *float64             `json:"pi_ub,omitempty"`     //
	R           *meta.RBlock         `json:"r,omitempty"`         // tanh back-transform for ZCOR
	Fit         meta.FitStats        `json:"fit"`                 //
	LRT         []LRTest             `json:"lrt,omitempty"`       // vs two-level models
	Variance    VarianceDistribution `json:"variance_distribution"`
	// I2, I2Levels and I2TypicalV are the multilevel I² of the metafor FAQ
	// (see multilevelI2Value): total and per level, in percent, with the typical
	// sampling variance (k − p)/tr(P) they use.
	I2         float64   `json:"I2"`
	I2Levels   []I2Level `json:"I2_levels"`
	I2TypicalV float64   `json:"I2_typical_v"`
	Iter       int       `json:"iterations"`
	Notes      []string  `json:"notes,omitempty"`
	// Robust holds cluster-robust inference when the caller attaches it
	// (see ClusterRobust); Fit leaves it nil.
	Robust *Robust `json:"robust,omitempty"`
	// Predictions, VcovNamed and TermTests are attached by a caller that
	// asks for them (Predict, VcovMatrix, TestTerms); Fit leaves them nil.
	Predictions []meta.Prediction `json:"predictions,omitempty"`
	VcovNamed   *meta.NamedMatrix `json:"vcov,omitempty"`
	TermTests   []meta.TermTest   `json:"term_tests,omitempty"`
	// Bias holds the multilevel small-study tests when the caller attaches
	// them (see Bias); Fit leaves it nil.
	Bias *meta.BiasResult `json:"bias,omitempty"`

	// Vcov is the p×p model-based covariance of the coefficients (row-major).
	Vcov []float64 `json:"-"`
	// Rows are the indices in the input of the effect sizes used.
	Rows []int `json:"-"`

	opt    Options
	ev     *evaluator
	names  []string
	design *meta.Design // the coded moderators, for Predict and TestTerms

	// RobustTermTests are the cluster-robust tests of the same terms as
	// TermTests (see Robust.TestCoefficients), attached by a caller.
	RobustTermTests []RobustTermTest `json:"robust_term_tests,omitempty"`
}
