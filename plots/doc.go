// Package plots draws the figures of alliance–outcome research with
// gonum.org/v1/plot: forest, funnel, Baujat, radial (Galbraith), bubble and
// influence plots for meta-analyses, and trajectory, rupture, sudden-gain,
// Jacobson–Truax, caterpillar and within/between plots for session data.
//
// Every figure element is a plot.Plotter (Plot, DataRange and, where text or
// markers reach outside the data area, GlyphBoxes), so the elements compose
// with the rest of gonum/plot. Builders (Forest, Funnel, Baujat, Radial,
// Bubble, Influence, Trajectories, Rupture, SuddenGain, JacobsonTruax,
// Caterpillar, WithinBetween) assemble them into a Figure: one or more
// *plot.Plot panels with a size chosen for a journal column (ColumnWidth,
// 3.5 in) or page (PageWidth, 7 in). The forest plot grows with the number of
// rows, so that k = 300 studies stay legible.
//
// Builders take plain inputs (slices of numbers and labels) so they do not
// depend on how an analysis was run; small adapters (for example
// ForestStudies) turn analysis results into those inputs.
//
// # Output
//
// Figure.Save writes PNG, SVG or PDF according to the file extension.
// Output bytes are a function of the input only: the PDF carries a fixed
// creation date and sorted resource catalogues, and the SVG and PNG writers
// are deterministic. Fonts (Liberation Sans, metric-compatible with Arial and
// Helvetica) are embedded in PDF and in SVG, and the SVG names generic
// fallback families, so the figures render the same without the Liberation
// fonts installed. PDF text is encoded in code page 1252 (Western European):
// characters outside it (for example Greek letters) would be drawn as "?",
// so the PDF canvas spells τ as "tau" and the minus sign U+2212 as "-"; PNG
// and SVG keep τ² and the true minus sign.
//
// Figures are readable in greyscale: groups and categories are told apart by
// marker shape, fill and line dash, never by colour alone.
package plots
