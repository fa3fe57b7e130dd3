// Package workflow is the one layer between the typed tables of package
// datasets and every front end of alliance: the command-line program, the
// HTML report and the local web page.
//
// Given a table and one options struct per analysis, a workflow function
// (Meta, Sessions, Ruptures, Gains, Change, ...) makes every decision once —
// which columns play which role and with which defaults, which
// sub-analyses apply, centring, cut-offs, what is noted or assumed — runs the
// analysis packages, and returns a Run: the typed results (what the JSON
// output holds, in the reference implementation's field names) and a
// rendering-neutral document part (headings, paragraphs, APA tables, figure
// specifications, notes, the citations actually used, and for each step the
// alliance command line and the R code that reproduce it).
//
// Front ends only render. The command line prints a Part's blocks as text,
// Markdown or CSV and its typed results as JSON; the report (package
// plots/report) renders a Document assembled by Compose as HTML; figures are
// drawn from FigureSpec values by plots.FromSpec. Because every front end
// renders the same Part, the numbers a user reads are the same everywhere.
//
// The package does no I/O and draws nothing: it imports analysis packages
// and datasets, never plots or cmd.
package workflow
