// Package report renders a workflow.Document — the report that
// workflow.Report composes from the analysis Parts — as a self-contained
// HTML page: Render draws every figure with plots.FromSpec and returns
// index.html (html/template, so every text is escaped by construction;
// figures inline as SVG, CSS inline, no JavaScript, no network),
// results.json (every part's typed results, NaN as null) and the figures
// as SVG, PNG (with its DPI) and PDF. APA formats plain text in APA style
// (italic statistical symbols). Save writes the files into a directory
// with a manifest, replacing only the files a previous report wrote.
//
// The output is a function of the input only: without a date the report
// carries no time stamp, and two runs give the same bytes.
package report
