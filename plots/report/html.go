package report

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// figureData holds a figure's encoded files.
type figureData struct {
	svg, png, pdf []byte
}

// writeHTML renders the document with the figures embedded as data: URIs.
func (d *document) writeHTML(w io.Writer, figs map[*Figure]*figureData) error {
	var b bytes.Buffer
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	b.WriteString("<meta name=\"generator\" content=\"" + Generator + "\">\n")
	fmt.Fprintf(&b, "<title>%s</title>\n<style>\n%s/*FONTS*/</style>\n</head>\n<body>\n", esc(d.title), css)
	fonts := &fontSet{}
	b.WriteString("<header>\n")
	fmt.Fprintf(&b, "<h1>%s</h1>\n<p class=\"subtitle\">%s</p>\n", esc(d.title), esc(strings.Join(d.subtitle, " · ")))
	if d.warning != "" {
		fmt.Fprintf(&b, "<p class=\"simulated\" role=\"alert\"><strong>SIMULATED DATA</strong> %s</p>\n", esc(strings.TrimPrefix(d.warning, "SIMULATED DATA — ")))
	}
	b.WriteString("</header>\n")

	// Number tables and figures in order of appearance.
	nt, nf := 0, 0
	for _, s := range d.sections {
		for _, bl := range s.blocks {
			switch x := bl.(type) {
			case *table:
				nt++
				x.num = nt
			case *figBlock:
				nf++
				x.num = nf
			case *figRow:
				for _, f := range x.figs {
					nf++
					f.num = nf
				}
			}
		}
	}

	// Table of contents.
	b.WriteString("<nav class=\"toc\" aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>\n")
	for _, s := range d.sections {
		fmt.Fprintf(&b, "<li><a href=\"#%s\">%s</a>", s.id, esc(s.title))
		var subs []subhead
		for _, bl := range s.blocks {
			if h, ok := bl.(subhead); ok {
				subs = append(subs, h)
			}
		}
		if len(subs) > 0 {
			b.WriteString("\n<ol>\n")
			for _, h := range subs {
				fmt.Fprintf(&b, "<li><a href=\"#%s\">%s</a></li>\n", h.id, esc(h.text))
			}
			b.WriteString("</ol>\n")
		}
		b.WriteString("</li>\n")
	}
	b.WriteString("</ol>\n</nav>\n<main>\n")

	for i, s := range d.sections {
		fmt.Fprintf(&b, "<section id=\"%s\">\n<h2>%d. %s</h2>\n", s.id, i+1, esc(s.title))
		for _, bl := range s.blocks {
			switch x := bl.(type) {
			case subhead:
				fmt.Fprintf(&b, "<h3 id=\"%s\">%s</h3>\n", x.id, esc(x.text))
			case para:
				if x.class != "" {
					fmt.Fprintf(&b, "<p class=\"%s\">%s</p>\n", x.class, x.html)
				} else {
					fmt.Fprintf(&b, "<p>%s</p>\n", x.html)
				}
			case list:
				tag := "ul"
				if x.ordered {
					tag = "ol"
				}
				if x.class != "" {
					fmt.Fprintf(&b, "<%s class=\"%s\">\n", tag, x.class)
				} else {
					fmt.Fprintf(&b, "<%s>\n", tag)
				}
				for _, it := range x.items {
					fmt.Fprintf(&b, "<li>%s</li>\n", it)
				}
				fmt.Fprintf(&b, "</%s>\n", tag)
			case code:
				fmt.Fprintf(&b, "<pre class=\"code\" aria-label=\"%s\"><code>%s</code></pre>\n", esc(x.label), esc(strings.TrimRight(x.text, "\n")))
			case *table:
				writeTable(&b, x)
			case *figBlock:
				if err := writeFigure(&b, x, figs, fonts, 1.4, d.noPDF); err != nil {
					return err
				}
			case *figRow:
				b.WriteString("<div class=\"figrow\">\n")
				for _, f := range x.figs {
					if err := writeFigure(&b, f, figs, fonts, 1.2, d.noPDF); err != nil {
						return err
					}
				}
				b.WriteString("</div>\n")
			}
		}
		b.WriteString("</section>\n")
	}
	b.WriteString("</main>\n<footer><p>Made with alliance report. The numbers are in results.json; the figures in figures/.</p></footer>\n</body>\n</html>\n")
	// The figures' fonts, once for the whole page.
	out := bytes.Replace(b.Bytes(), []byte("/*FONTS*/"), []byte(strings.Join(fonts.rules, "\n")+"\n"), 1)
	_, err := w.Write(out)
	return err
}

// fontSet collects the @font-face rules of the inlined SVG figures, so that
// each font is embedded once in the page rather than once per figure.
type fontSet struct {
	rules []string
	seen  map[string]bool
}

var (
	svgDefsStyle = regexp.MustCompile(`(?s)<defs>\s*<style>(.*?)</style>\s*</defs>`)
	svgFontFace  = regexp.MustCompile(`(?s)@font-face\s*\{.*?\}`)
)

// inline returns an SVG document as an inline <svg> element: the XML
// prologue is dropped and its @font-face rules move to the page's style.
func (fs *fontSet) inline(svg []byte, title string) (string, error) {
	s := string(svg)
	i := strings.Index(s, "<svg")
	if i < 0 {
		return "", fmt.Errorf("no <svg> element")
	}
	s = s[i:]
	if m := svgDefsStyle.FindStringSubmatchIndex(s); m != nil {
		style := s[m[2]:m[3]]
		for _, rule := range svgFontFace.FindAllString(style, -1) {
			rule = strings.Join(strings.Fields(rule), " ")
			if fs.seen == nil {
				fs.seen = map[string]bool{}
			}
			if !fs.seen[rule] {
				fs.seen[rule] = true
				fs.rules = append(fs.rules, rule)
			}
		}
		rest := strings.TrimSpace(svgFontFace.ReplaceAllString(style, ""))
		if rest == "" {
			s = s[:m[0]] + s[m[1]:]
		} else {
			s = s[:m[2]] + rest + s[m[3]:]
		}
	}
	s = strings.Replace(s, "<svg ", fmt.Sprintf("<svg role=\"img\" aria-label=\"%s\" ", esc(title)), 1)
	return strings.TrimSpace(s) + "\n", nil
}

// writeFigure writes a numbered figure with its inline SVG; figures
// narrower than 4 inches are shown enlarged by scale on screen.
func writeFigure(b *bytes.Buffer, x *figBlock, figs map[*Figure]*figureData, fonts *fontSet, scale float64, noPDF bool) error {
	fd := figs[x.fig]
	if fd == nil {
		return fmt.Errorf("report: figure %s was not rendered", x.fig.Name)
	}
	fmt.Fprintf(b, "<figure id=\"fig-%s\">\n<p class=\"label\"><strong>Figure %d</strong></p>\n<p class=\"title\"><em>%s</em></p>\n", x.fig.Name, x.num, esc(x.fig.Title))
	svg, err := fonts.inline(fd.svg, x.fig.Title)
	if err != nil {
		return fmt.Errorf("report: figure %s: %w", x.fig.Name, err)
	}
	w, h := x.fig.Figure.Width.Points(), x.fig.Figure.Height.Points()
	if w < 4*72 {
		w, h = w*scale, h*scale
	}
	// Size in CSS pixels (1 pt = 4/3 px); the viewBox keeps the drawing.
	svg = svgSize.ReplaceAllString(svg, fmt.Sprintf(`<svg$1 width="%.0f" height="%.0f" viewBox=`, w*4/3, h*4/3))
	b.WriteString(svg)
	exts := ".svg, .png, .pdf"
	if noPDF {
		exts = ".svg, .png"
	}
	fmt.Fprintf(b, "<figcaption><em>Note.</em> %s <span class=\"files\">Files: figures/%s%s.</span></figcaption>\n</figure>\n", esc(x.fig.Caption), x.fig.Name, exts)
	return nil
}

var svgSize = regexp.MustCompile(`<svg([^>]*?) width="[0-9.]+pt" height="[0-9.]+pt" viewBox=`)

func writeTable(b *bytes.Buffer, t *table) {
	b.WriteString("<div class=\"table\">\n")
	fmt.Fprintf(b, "<p class=\"label\"><strong>Table %d</strong></p>\n<p class=\"title\"><em>%s</em></p>\n", t.num, esc(t.title))
	b.WriteString("<div class=\"scroll\"><table>\n<thead><tr>")
	for j, c := range t.cols {
		fmt.Fprintf(b, "<th%s>%s</th>", align(t.right, j), esc(c))
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for _, row := range t.rows {
		b.WriteString("<tr>")
		for j, c := range row {
			fmt.Fprintf(b, "<td%s>%s</td>", align(t.right, j), esc(c))
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table></div>\n")
	for i, n := range t.notes {
		if i == 0 {
			fmt.Fprintf(b, "<p class=\"tnote\"><em>Note.</em> %s</p>\n", esc(n))
		} else {
			fmt.Fprintf(b, "<p class=\"tnote\">%s</p>\n", esc(n))
		}
	}
	b.WriteString("</div>\n")
}

func align(right []bool, j int) string {
	if j < len(right) && right[j] {
		return " class=\"num\""
	}
	return ""
}

// css is the report's stylesheet: readable serif body text, APA-style
// tables (horizontal rules only), figures scaled to the column, and print
// rules that keep tables and figures on one page.
const css = `:root { --ink: #1a1a1a; --muted: #555; --rule: #1a1a1a; --accent: #7a1f1f; }
* { box-sizing: border-box; }
html { font-size: 17px; }
body { margin: 0 auto; max-width: 58rem; padding: 2rem 1.5rem 4rem; color: var(--ink); background: #fff;
  font-family: "Charter", "Bitstream Charter", "Georgia", "Cambria", "Times New Roman", serif; line-height: 1.55; }
h1, h2, h3, nav, .label, .subtitle, th, figcaption .files, footer, .simulated {
  font-family: "Helvetica Neue", "Liberation Sans", "Arial", sans-serif; }
h1 { font-size: 1.9rem; margin: 0 0 .2rem; line-height: 1.2; }
h2 { font-size: 1.35rem; margin: 2.6rem 0 .8rem; padding-bottom: .25rem; border-bottom: 2px solid var(--rule); }
h3 { font-size: 1.08rem; margin: 1.9rem 0 .6rem; }
.subtitle { color: var(--muted); margin: 0 0 1rem; font-size: .9rem; }
.simulated { border: 2px solid var(--accent); background: #fbf1f1; padding: .7rem 1rem; font-size: .9rem; line-height: 1.45; }
.simulated strong { color: var(--accent); letter-spacing: .05em; margin-right: .4rem; }
nav.toc { background: #f6f6f4; border: 1px solid #ddd; padding: .6rem 1.2rem .8rem; margin: 1.5rem 0 1rem; font-size: .9rem; }
nav.toc h2 { font-size: 1rem; margin: .3rem 0 .4rem; border: 0; padding: 0; }
nav.toc ol { margin: 0; padding-left: 1.4rem; }
nav.toc ol ol { list-style: lower-alpha; }
nav.toc a { color: inherit; text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
p { margin: .6rem 0; }
.apa { display: block; padding: .5rem .8rem; background: #f6f6f4; border-left: 3px solid #999; font-size: .95rem; }
.reading { font-style: italic; }
ul.reading { font-style: normal; padding-left: 1.3rem; }
ul.reading li { margin: .3rem 0; }
.note, .tnote { font-size: .88rem; color: #333; }
.methods { text-align: justify; hyphens: auto; }
div.table { margin: 1.4rem 0 1.6rem; break-inside: avoid; }
div.table .label, figure .label { margin: 0; font-size: .9rem; }
div.table .title, figure .title { margin: .1rem 0 .4rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: .86rem; line-height: 1.35; font-variant-numeric: tabular-nums; min-width: 40%; }
thead tr { border-top: 1.5px solid var(--rule); border-bottom: 1px solid var(--rule); }
tbody tr:last-child { border-bottom: 1.5px solid var(--rule); }
th { font-weight: 600; text-align: left; padding: .35rem .7rem; vertical-align: bottom; font-size: .82rem; }
td { padding: .22rem .7rem; vertical-align: top; }
th.num, td.num { text-align: right; white-space: nowrap; }
.tnote { margin: .35rem 0 0; }
figure { margin: 1.6rem 0 2rem; break-inside: avoid; }
figure svg { display: block; max-width: 100%; height: auto; margin: .3rem 0; }
figcaption { font-size: .88rem; color: #333; max-width: 46rem; }
figcaption .files { color: var(--muted); font-size: .78rem; margin-left: .3rem; }
pre.code { background: #f6f6f4; border: 1px solid #ddd; padding: .7rem .9rem; font-size: .78rem; line-height: 1.4;
  font-family: "DejaVu Sans Mono", "Menlo", "Consolas", monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
.figrow { display: flex; flex-wrap: wrap; gap: 0 2rem; align-items: flex-start; }
.figrow figure { flex: 1 1 20rem; min-width: 0; }
ul.refs { list-style: none; padding: 0; font-size: .9rem; }
ul.refs li { padding-left: 2em; text-indent: -2em; margin: .3rem 0; }
footer { margin-top: 3rem; color: var(--muted); font-size: .8rem; border-top: 1px solid #ddd; }
@media print {
  html { font-size: 10.5pt; }
  body { max-width: none; padding: 0; }
  nav.toc { break-after: page; background: none; }
  h2 { break-after: avoid; } h3 { break-after: avoid; }
  pre.code { background: none; }
  .scroll { overflow: visible; }
  figure svg { max-height: 24cm; }
  a { color: inherit; text-decoration: none; }
}
`
