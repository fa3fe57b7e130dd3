// Package effectsize computes the effect sizes of alliance–outcome research
// and converts between them: metafor's escalc measures for correlations
// (ZCOR, COR, UCOR, PCOR, ZPCOR, SPCOR), r from t, F(1, df), χ²(1) and p
// values, Cohen's d and Hedges' g and back, Fisher's z and its
// back-transforms, including metafor's integral transform transf.ztor.int.
//
// Every measure has a table form that takes whole columns (slices, one
// element per study) and returns the outcome yi and its sampling variance vi,
// as the yi and vi columns that metafor's escalc adds, and a scalar form with
// the suffix Value for one study. Values are checked before use: a
// correlation outside (−1, 1), a sample size too small for the variance, a
// non-finite number or an inconsistent set of regression statistics is
// reported as an *InputError naming the argument, the row index and the
// value; nothing returns a silent NaN.
//
// Reference values (testdata/golden/effectsize_*.json) come from metafor
// 3.8-1 (escalc, transf.ztor.int), GSL's hyperg_2F1 through the R package
// gsl, and the textbook formulas of Borenstein, Hedges, Higgins & Rothstein
// (2009, Introduction to Meta-Analysis, ch. 4 and 7) written out in R;
// testdata/golden/R/effectsize.R makes them.
package effectsize
