package report

import (
	"fmt"
	"html/template"
	"regexp"
	"strings"
	"sync"
)

// fontSet collects the @font-face rules of the inlined SVG figures, so that
// each font is embedded once in the page rather than once per figure.
type fontSet struct {
	rules []string
	seen  map[string]bool
}

var (
	svgDefsStyle = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?s)<defs>\s*<style>(.*?)</style>\s*</defs>`) })
	svgFontFace  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?s)@font-face\s*\{.*?\}`) })
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
	if m := svgDefsStyle().FindStringSubmatchIndex(s); m != nil {
		style := s[m[2]:m[3]]
		for _, rule := range svgFontFace().FindAllString(style, -1) {
			rule = strings.Join(strings.Fields(rule), " ")
			if fs.seen == nil {
				fs.seen = map[string]bool{}
			}
			if !fs.seen[rule] {
				fs.seen[rule] = true
				fs.rules = append(fs.rules, rule)
			}
		}
		rest := strings.TrimSpace(svgFontFace().ReplaceAllString(style, ""))
		if rest == "" {
			s = s[:m[0]] + s[m[1]:]
		} else {
			s = s[:m[2]] + rest + s[m[3]:]
		}
	}
	s = strings.Replace(s, "<svg ", fmt.Sprintf("<svg role=\"img\" aria-label=\"%s\" ", template.HTMLEscapeString(title)), 1)
	return strings.TrimSpace(s) + "\n", nil
}

var svgSize = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`<svg([^>]*?) width="[0-9.]+pt" height="[0-9.]+pt" viewBox=`)
})

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
.topnotes { margin: 1rem 0; }
.topnotes p { margin: .35rem 0; }
.warnnote { border-left: 3px solid var(--accent); background: #fbf6f1; padding: .35rem .8rem; font-size: .9rem; }
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
th.num { text-align: right; }
td.num { text-align: right; white-space: nowrap; }
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
