package meta

import "github.com/alliance-research/alliance/analysis/internal/wald"

// Coef is one model coefficient with its test and confidence interval:
// name ("intrcpt" or the design column name), estimate β̂, standard error
// (Knapp–Hartung-scaled under knha/adhoc), statistic β̂/SE (z or t), df (t
// tests only, else nil), two-sided p, ci_lb and ci_ub. It is the one
// coefficient type of the Wald inference (analysis/internal/wald), shared
// with metamv (also its cluster-robust coefficients) and ipd.
type Coef = wald.Coef

// RBlock holds the pooled estimate back-transformed to a correlation with
// tanh (Fisher z → r), metafor's predict(res, transf = transf.ztor).
type RBlock struct {
	Estimate float64  `json:"estimate"`
	CILB     float64  `json:"ci_lb"`
	CIUB     float64  `json:"ci_ub"`
	PILB     *float64 `json:"pi_lb,omitempty"` // nil for FE/EE models, as metafor
	PIUB     *float64 `json:"pi_ub,omitempty"`
}

// FitStats are metafor's fit statistics (fitstats.rma): the REML
// restricted log-likelihood for REML fits, the ML log-likelihood otherwise.
type FitStats struct {
	LogLik   float64 `json:"logLik"`
	Deviance float64 `json:"deviance"`
	AIC      float64 `json:"AIC"`
	BIC      float64 `json:"BIC"`
	AICc     float64 `json:"AICc"`
}

// Result is a fitted univariate meta-analysis (metafor's rma.uni object).
// Optional values are nil when they are undefined (for example QE_p for
// k = p, the prediction interval for a meta-regression).
type Result struct {
	K       int    `json:"k"`       // number of effect sizes (studies) used
	P       int    `json:"p"`       // number of coefficients
	Measure string `json:"measure"` // effect-size measure, e.g. "ZCOR"
	// Method is the τ² estimator asked for (metafor's res$method). When τ²
	// is user-specified it is kept, because it still names the likelihood
	// of the fit statistics (logLik, AIC, … as metafor), but the JSON then
	// says "method": "user-specified" and gives it as fit_method.
	Method string `json:"-"`
	// MethodShown is the JSON "method": Method, or "user-specified" when
	// Tau2Fix, so that no reader takes a given τ² for an estimate.
	MethodShown string `json:"method"`
	// FitMethod names the likelihood of the fit statistics when τ² is
	// user-specified (empty otherwise).
	FitMethod string `json:"fit_method,omitempty"`
	// Tau2Fix says τ² was specified by the user (Options.Tau2), not
	// estimated: metafor's res$tau2.fix, printed "user-specified tau^2
	// value".
	Tau2Fix bool    `json:"tau2_fix"`
	Test    string  `json:"test"`  // z, t, knha or adhoc
	Level   float64 `json:"level"` // confidence level, e.g. 0.95

	Coefficients []Coef `json:"coefficients"`

	Tau2   float64     `json:"tau2"`              // τ̂²
	SETau2 *float64    `json:"se_tau2"`           // its standard error (nil for FE, fixed τ², k = 1)
	Tau2CI *[2]float64 `json:"tau2_ci,omitempty"` // Q-profile CI for τ²
	Tau    float64     `json:"tau"`               // √τ̂²
	I2     float64     `json:"I2"`                // I² in percent
	H2     float64     `json:"H2"`                // H²
	I2CI   *[2]float64 `json:"I2_ci,omitempty"`   // Q-profile CI for I²
	H2CI   *[2]float64 `json:"H2_ci,omitempty"`   // Q-profile CI for H²
	// I2Q is the classical Q-based I² of Higgins & Thompson (2002),
	// max(0, (Q_E − df)/Q_E)·100, which does not depend on the τ² estimator;
	// I2 is metafor's definition from τ̂² (they agree for DL without
	// moderators).
	I2Q    float64  `json:"I2_Q"`
	CINote string   `json:"ci_note,omitempty"` // how the Q-profile bounds were found (e.g. truncated at 0)
	QE     float64  `json:"QE"`                // residual heterogeneity Q_E
	QEDF   int      `json:"QE_df"`             // k − p
	QEP    *float64 `json:"QE_p"`              // χ²(k − p) p-value
	QM     float64  `json:"QM"`                // omnibus test of the moderators (or of the intercept)
	QMDF   int      `json:"QM_df"`             // numerator df
	QMDF2  *int     `json:"QM_df2,omitempty"`  // denominator df of the F test (t, knha, adhoc)
	QMP    float64  `json:"QM_p"`              // p-value of QM
	PILB   *float64 `json:"pi_lb,omitempty"`   // prediction interval (intercept-only random-effects models)
	PIUB   *float64 `json:"pi_ub,omitempty"`
	R      *RBlock  `json:"r,omitempty"` // back-transformed block when Measure is ZCOR
	R2     *float64 `json:"R2,omitempty"`
	Fit    FitStats `json:"fit"`
	VT     float64  `json:"vt"`         // "typical" within-study variance used for I²
	Iter   int      `json:"iterations"` // iterations of the τ² estimator (0 if closed form)
	Notes  []string `json:"notes,omitempty"`

	// Predictions, VcovNamed and TermTests are attached by a caller that
	// asks for them (Predict, VcovMatrix, TestTerms); Fit leaves them nil.
	Predictions []Prediction `json:"predictions,omitempty"`
	VcovNamed   *NamedMatrix `json:"vcov,omitempty"`
	TermTests   []TermTest   `json:"term_tests,omitempty"`

	// UserWeights says β̂ was estimated with user weights (Options.Weights;
	// metafor's rma(…, weights = w)); Weights are then the study weights in
	// percent, 100·aᵢ/Σa (metafor's weights(res)).
	UserWeights bool      `json:"user_weights,omitempty"`
	Weights     []float64 `json:"weights,omitempty"`

	// Vcov is the p×p covariance matrix of the coefficients (row-major).
	Vcov []float64 `json:"-"`
	// Yi and Vi are the effect sizes and variances actually used (after
	// dropping incomplete rows); Rows gives their indices in the input.
	Yi, Vi []float64 `json:"-"`
	Rows   []int     `json:"-"`

	opt Options
	d   *design
	s2w float64 // Knapp–Hartung scale factor of Vcov (1 for z and t tests)
	// loo caches the leave-one-out refits shared by Influence, Baujat and
	// LeaveOneOut (nil for refits).
	loo *looCache

	// Tau2CIPL is the profile-likelihood CI of τ² (ProfileCI; metafor's
	// confint(res, type = "PL")) and PLNote says when a bound is the end
	// of the search interval; attached by a caller that asks for them.
	Tau2CIPL *[2]float64 `json:"tau2_ci_pl,omitempty"`
	PLNote   string      `json:"ci_pl_note,omitempty"`
}

func f64(x float64) *float64 { return &x }
