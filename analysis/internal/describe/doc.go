// Package describe holds the one NaN-aware descriptive summary of the
// analysis packages: the count, mean and sample variance or standard
// deviation of the non-missing values of a slice, as R's mean(x, na.rm =
// TRUE), var(x, na.rm = TRUE) and sd(x, na.rm = TRUE). change (sudden gains,
// reliable change, clinical significance) and rupture (rupture detection and
// effects) both describe their scores with it, so the two give the same
// numbers on the same data; reliability (alpha's variances), mixed (the
// variance of the fixed part in Nakagawa's R²) and the session trajectories
// use it too.
package describe
