// Package ipd holds the algebra of individual-participant-data (IPD)
// meta-analysis that the univariate and three-level meta-analysis packages
// do not: the multivariate random-effects pooling of several coefficients
// of each study's model with their known within-study covariance
// (Riley et al. 2007; Jackson, Riley & White 2011), as metafor's
// rma.mv(yi, V, mods = ~ 0 + term, random = ~ term | study,
// struct = "UN").
//
// The stage-1 models (analysis/sessions), the univariate stage 2
// (analysis/meta) and the one-stage model (analysis/mixed) live in their
// own packages; analysis/workflow's IPD joins them.
package ipd
