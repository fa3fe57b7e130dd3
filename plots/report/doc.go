// Package report builds the self-contained HTML report of alliance–outcome
// analyses that 'alliance report' writes: the data that were read, a
// meta-analysis of study-level alliance–outcome correlations (pooled estimate,
// heterogeneity, forest and funnel plots, small-study and publication-bias
// tests, influence, moderators and, when effects are nested in studies, the
// three-level model with CR2 cluster-robust inference), the session analyses
// (trajectories, the within/between alliance→outcome mixed model, therapist
// effects, ruptures and repairs, sudden gains, reliable change), a methods
// paragraph with references, and the R code and command lines that reproduce
// every number.
//
// Build runs the analyses of package analysis/... on typed inputs
// (datasets.Studies, datasets.Sessions) and keeps every result; Report.Files
// renders index.html (figures inlined as data: URIs, CSS inline, no
// JavaScript, no network), results.json (every number shown, NaN as null) and
// the figures as SVG, PNG and PDF; Save writes them to a directory through a
// temporary directory and a rename, so a reader never sees a half-written
// report.
//
// The output is a function of the input only: without Options.Date the
// report carries no time stamp, and two runs give the same bytes.
package report
