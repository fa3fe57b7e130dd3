package report

import (
	"html/template"
	"sync"
)

// page is what the HTML template renders: every text is either a string
// (escaped by html/template) or template.HTML made by APA, citationHTML or
// the figure's own SVG.
type page struct {
	Generator, Title string
	Subtitle         string
	Warning          string
	WarningLabel     string
	Notes            []noteView
	Sections         []sectionView
	CSS              template.CSS
	Fonts            template.CSS
}

type noteView struct {
	Warning bool
	Text    template.HTML
}

type sectionView struct {
	ID, Title string
	Num       int
	Subs      []subView
	Blocks    []blockView
}

type subView struct{ ID, Text string }

// blockView is one block; exactly one of its parts is set by Kind.
type blockView struct {
	Kind    string // h, p, table, figure, code, list, refs
	ID      string
	Text    template.HTML
	Class   string
	Note    bool
	Table   *tableView
	Figure  *figureView
	Code    string
	Lang    string
	Items   []template.HTML
	Ordered bool
}

type tableView struct {
	Num   int
	Title template.HTML
	Head  []cellView
	Rows  [][]cellView
	Notes []template.HTML
}

type cellView struct {
	Text   template.HTML
	Num    bool
	Strong bool
}

type figureView struct {
	Name    string
	Num     int
	Title   template.HTML
	SVG     template.HTML
	Caption template.HTML
	Files   string
	Failed  string
}

// pageTemplate is parsed on first use, not at start-up.
var pageTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="{{.Generator}}">
<title>{{.Title}}</title>
<style>
{{.CSS}}{{.Fonts}}
</style>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
<p class="subtitle">{{.Subtitle}}</p>
{{- if .Warning}}
<p class="simulated" role="alert">{{if .WarningLabel}}<strong>{{.WarningLabel}}</strong> {{end}}{{.Warning}}</p>
{{- end}}
{{- if .Notes}}
<div class="topnotes">
{{- range .Notes}}
<p class="{{if .Warning}}warnnote{{else}}note{{end}}">{{.Text}}</p>
{{- end}}
</div>
{{- end}}
</header>
<nav class="toc" aria-label="Contents">
<h2>Contents</h2>
<ol>
{{- range .Sections}}
<li><a href="#{{.ID}}">{{.Title}}</a>
{{- if .Subs}}
<ol>
{{- range .Subs}}
<li><a href="#{{.ID}}">{{.Text}}</a></li>
{{- end}}
</ol>
{{- end}}
</li>
{{- end}}
</ol>
</nav>
<main>
{{- range .Sections}}
<section id="{{.ID}}">
<h2>{{.Num}}. {{.Title}}</h2>
{{- range .Blocks}}
{{- if eq .Kind "h"}}
<h3 id="{{.ID}}">{{.Text}}</h3>
{{- else if eq .Kind "p"}}
<p{{if .Class}} class="{{.Class}}"{{end}}>{{if .Note}}<em>Note.</em> {{end}}{{.Text}}</p>
{{- else if eq .Kind "list"}}
{{if .Ordered}}<ol>{{else}}<ul>{{end}}
{{- range .Items}}
<li>{{.}}</li>
{{- end}}
{{if .Ordered}}</ol>{{else}}</ul>{{end}}
{{- else if eq .Kind "refs"}}
<ul class="refs">
{{- range .Items}}
<li>{{.}}</li>
{{- end}}
</ul>
{{- else if eq .Kind "code"}}
<pre class="code" aria-label="{{.Lang}}"><code>{{.Code}}</code></pre>
{{- else if eq .Kind "table"}}{{with .Table}}
<div class="table">
<p class="label"><strong>Table {{.Num}}</strong></p>
<p class="title"><em>{{.Title}}</em></p>
<div class="scroll"><table>
<thead><tr>{{range .Head}}<th{{if .Num}} class="num"{{end}}>{{.Text}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Rows}}
<tr>{{range .}}<td{{if .Num}} class="num"{{end}}>{{if .Strong}}<strong>{{.Text}}</strong>{{else}}{{.Text}}{{end}}</td>{{end}}</tr>
{{- end}}
</tbody>
</table></div>
{{- range $i, $n := .Notes}}
<p class="tnote">{{if eq $i 0}}<em>Note.</em> {{end}}{{$n}}</p>
{{- end}}
</div>
{{- end}}
{{- else if eq .Kind "figure"}}{{with .Figure}}
<figure id="fig-{{.Name}}">
<p class="label"><strong>Figure {{.Num}}</strong></p>
<p class="title"><em>{{.Title}}</em></p>
{{- if .Failed}}
<p class="warnnote">This figure could not be drawn: {{.Failed}}</p>
{{- else}}
{{.SVG}}
<figcaption><em>Note.</em> {{.Caption}} <span class="files">Files: figures/{{.Name}}{{.Files}}.</span></figcaption>
{{- end}}
</figure>
{{- end}}
{{- end}}
{{- end}}
</section>
{{- end}}
</main>
<footer><p>Made with alliance report. The numbers are in results.json; the figures in figures/.</p></footer>
</body>
</html>
`))
})
