package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"sync"
	"time"
)

type homeView struct {
	Token             string
	Max               string
	Studies, Sessions []Dataset
	Read              []fieldView
}

type fieldView struct {
	Field
	Value  string
	Chosen map[string]bool
}

type roleView struct {
	Role
	Given   string
	Columns []string
}

type tableView struct {
	Table
	RoleViews []roleView
	Chosen    map[string]bool
}

type groupView struct {
	Title  string
	Fields []fieldView
}

type figureLink struct{ Name, Path string }

type errorView struct {
	Status    int
	Text, Msg string
}

type workspaceView struct {
	Token, ID  string
	Tables     []tableView
	InspectErr string
	Groups     []groupView
	State      string
	Stage      string
	Elapsed    string
	ErrMsg     string
	ErrInput   bool
	Figures    []figureLink
	Command    string
	Refresh    string // the URL to reload while a run goes on (not the #fragment: a same-document reload does nothing)
}

var groupTitles = []struct{ key, title string }{
	{"meta", "Meta-analysis"}, {"sessions", "Session analyses"}, {"report", "Report"}, {"read", "Reading the files"},
}

func (s *Server) workspaceView(snap snapshot) workspaceView {
	v := workspaceView{Token: s.token, ID: snap.ID, InspectErr: snap.Inspect, Stage: snap.Stage, ErrMsg: snap.ErrMsg, ErrInput: snap.ErrInput,
		Command: s.Command(snap.Req)}
	roleFields := map[string]bool{}
	present := map[string]bool{"report": true, "read": true}
	for _, t := range snap.Tables {
		present[map[string]string{"studies": "meta", "sessions": "sessions"}[t.Role]] = true
		tv := tableView{Table: t, Chosen: map[string]bool{}}
		for _, r := range t.Roles {
			roleFields[r.Field] = true
			tv.RoleViews = append(tv.RoleViews, roleView{Role: r, Given: snap.Req.Fields[r.Field], Columns: t.Columns})
		}
		if t.Multi != "" {
			roleFields[t.Multi] = true
			for _, c := range t.Chosen {
				tv.Chosen[c] = true
			}
		}
		v.Tables = append(v.Tables, tv)
	}
	for _, g := range groupTitles {
		if !present[g.key] && len(snap.Tables) > 0 {
			continue // options of data not given
		}
		gv := groupView{Title: g.title}
		for _, f := range s.opt.Fields {
			if f.Group != g.key || roleFields[f.Name] {
				continue
			}
			fv := fieldView{Field: f, Value: snap.Req.Fields[f.Name], Chosen: map[string]bool{}}
			for _, c := range strings.Split(fv.Value, ",") {
				fv.Chosen[strings.TrimSpace(c)] = true
			}
			if fv.Value == "" && !f.Multi {
				fv.Chosen[f.Default] = true
			}
			gv.Fields = append(gv.Fields, fv)
		}
		if len(gv.Fields) > 0 {
			v.Groups = append(v.Groups, gv)
		}
	}
	switch snap.State {
	case running:
		v.State, v.Refresh = "running", "/w/"+snap.ID
	case done:
		v.State = "done"
		for _, f := range snap.Files {
			if strings.HasPrefix(f.Path, "figures/") && strings.HasSuffix(f.Path, ".png") {
				v.Figures = append(v.Figures, figureLink{Name: strings.TrimSuffix(strings.TrimPrefix(f.Path, "figures/"), ".png"), Path: f.Path})
			}
		}
	case failed:
		v.State = "failed"
	case cancelled:
		v.State = "cancelled"
	default:
		v.State = "idle"
	}
	v.Elapsed = fmt.Sprintf("%.1f s", snap.Elapsed.Round(100*time.Millisecond).Seconds())
	return v
}

func render(w http.ResponseWriter, name string, v any) {
	var b bytes.Buffer
	if err := pages().ExecuteTemplate(&b, name, v); err != nil {
		http.Error(w, "internal error: the page could not be drawn", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(b.Bytes())
}

// pages is parsed on first use, not at start-up.
var pages = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("pages").Parse(pageTemplates))
})

const pageStyle = `
body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#24344d;color:#fff;padding:.8rem 1.5rem}
header h1{margin:0;font-size:1.3rem} header p{margin:.2rem 0 0;color:#c9d3e3;font-size:.9rem}
main{max-width:1100px;margin:0 auto;padding:1rem 1.5rem 3rem}
section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:1rem 1.2rem;margin:1rem 0}
h2{font-size:1.1rem;margin:.1rem 0 .6rem} h3{font-size:1rem;margin:.8rem 0 .4rem}
label{display:block;margin:.35rem 0} .hint{color:#5a6475;font-size:.85rem}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:.3rem 1.2rem}
input[type=text],select{font:inherit;padding:.2rem .3rem;min-width:12rem;max-width:100%}
button{font:inherit;padding:.35rem 1rem;background:#2b5fb3;color:#fff;border:0;border-radius:4px;cursor:pointer}
button.secondary{background:#6b7484}
.error{background:#fdecec;border:1px solid #e3a1a1;padding:.6rem .8rem;border-radius:4px;white-space:pre-wrap}
.note{background:#fff7e0;border:1px solid #e8d29a;padding:.4rem .7rem;border-radius:4px}
.cols{font-family:ui-monospace,monospace;font-size:.85rem;color:#394150}
iframe{width:100%;height:80vh;border:1px solid #dde1e7;border-radius:4px;background:#fff}
ul.downloads{columns:2} code{font-family:ui-monospace,monospace;font-size:.85rem;background:#eef1f5;padding:.1rem .3rem;border-radius:3px;word-break:break-all}
`

const pageTemplates = `
{{define "head"}}<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
{{if .}}<meta http-equiv="refresh" content="1; url={{.}}">{{end}}
<title>alliance</title><style>` + pageStyle + `</style></head><body>
<header><h1>alliance — alliance–outcome analyses</h1><p>Runs on this computer only: the data you upload are not sent anywhere and are forgotten when the server stops.</p></header><main>{{end}}
{{define "foot"}}</main></body></html>{{end}}

{{define "field"}}<label>{{if .Bool}}<input type="checkbox" name="{{.Name}}" value="true"{{if .Value}} checked{{end}}> {{.Name}}{{else}}{{.Name}}
{{if and .Choices .Multi}}<span>{{$f := .}}{{range .Choices}} <label style="display:inline"><input type="checkbox" name="{{$f.Name}}" value="{{.}}"{{if index $f.Chosen .}} checked{{end}}> {{.}}</label>{{end}}</span>
{{else if .Choices}}<select name="{{.Name}}">{{$f := .}}{{range .Choices}}<option value="{{.}}"{{if index $f.Chosen .}} selected{{end}}>{{.}}</option>{{end}}</select>
{{else}}<input type="text" name="{{.Name}}" value="{{.Value}}" placeholder="{{.Default}}">{{end}}{{end}}
<br><span class="hint">{{.Usage}}</span></label>{{end}}

{{define "home"}}{{template "head" ""}}
<section><h2>1. Data</h2>
<form method="post" action="/new" enctype="multipart/form-data">
<input type="hidden" name="csrf" value="{{.Token}}">
<div class="grid">
<div><h3>Study-level data</h3><p class="hint">One row per effect size: a correlation and a sample size (ri, ni) or an effect size with its variance or standard error (yi with vi or sei).</p>
<label>File (CSV, TSV or XLSX) <input type="file" name="studies" accept=".csv,.tsv,.txt,.xlsx"></label>
<label>or an embedded dataset <select name="studies-dataset"><option value="">—</option>{{range .Studies}}<option value="{{.Name}}">{{.Name}}: {{.Title}}</option>{{end}}</select></label></div>
<div><h3>Session-level data</h3><p class="hint">One row per patient and session: patient, therapist, session, alliance and outcome scores.</p>
<label>File (CSV, TSV or XLSX) <input type="file" name="sessions" accept=".csv,.tsv,.txt,.xlsx"></label>
<label>or an embedded dataset <select name="sessions-dataset"><option value="">—</option>{{range .Sessions}}<option value="{{.Name}}">{{.Name}}: {{.Title}}</option>{{end}}</select></label></div>
</div>
<h3>Reading the files</h3><div class="grid">{{range .Read}}{{template "field" .}}{{end}}</div>
<h3>Restore a saved analysis (optional)</h3>
<label>Analysis file <input type="file" name="analysis" accept=".json"> <span class="hint">upload it with the same data files</span></label>
<p><button type="submit">Open the data</button> <span class="hint">Uploads up to {{.Max}}.</span></p>
</form></section>
{{template "foot"}}{{end}}

{{define "workspace"}}{{template "head" .Refresh}}
<form method="post" action="/w/{{.ID}}/run">
<input type="hidden" name="csrf" value="{{.Token}}">
<section id="data"><h2>1. Data and column roles</h2>
{{if .InspectErr}}<div class="error">{{.InspectErr}}</div>{{end}}
{{range .Tables}}<h3>{{if eq .Role "studies"}}Study-level{{else}}Session-level{{end}} data: {{.Name}} ({{.Rows}} rows)</h3>
{{range .Notes}}<p class="note">{{.}}</p>{{end}}
<p class="cols">Columns: {{range $i, $c := .Columns}}{{if $i}}, {{end}}{{$c}}{{end}}</p>
{{if .Error}}<div class="error">{{.Error}}</div>{{end}}
<div class="grid">{{range .RoleViews}}<label>{{.Label}} <span class="hint">({{.Field}})</span><br>
<select name="{{.Field}}"><option value="">{{if .Column}}detected: {{.Column}}{{else if .Default}}default: {{.Default}}{{else}}none found{{end}}</option>{{$r := .}}{{range .Columns}}<option value="{{.}}"{{if eq . $r.Given}} selected{{end}}>{{.}}</option>{{end}}</select></label>{{end}}</div>
{{if .Multi}}<p>{{.MultiLabel}} <span class="hint">({{.Multi}})</span>:<br>{{$t := .}}{{range .Columns}} <label style="display:inline"><input type="checkbox" name="{{$t.Multi}}" value="{{.}}"{{if index $t.Chosen .}} checked{{end}}> {{.}}</label>{{end}}</p>{{end}}
{{end}}
<p class="hint"><a href="/">Choose other data</a></p></section>
<section id="options"><h2>2. Analyses and options</h2>
{{range .Groups}}<h3>{{.Title}}</h3><div class="grid">{{range .Fields}}{{template "field" .}}{{end}}</div>{{end}}
<p><button type="submit">Run the report</button></p>
</section></form>
<section id="report"><h2>3. Report</h2>
{{if eq .State "running"}}<p>Running: {{.Stage}} … ({{.Elapsed}})</p>
<form method="post" action="/w/{{.ID}}/cancel"><input type="hidden" name="csrf" value="{{.Token}}"><button class="secondary" type="submit">Cancel</button> <span class="hint">A cancelled run stops when the analysis running now ends.</span></form>
{{else if eq .State "failed"}}<div class="error">{{.ErrMsg}}</div><p class="hint">{{if .ErrInput}}Change the data or the options above and run again.{{else}}The analysis failed with these data and options.{{end}}</p>
{{else if eq .State "cancelled"}}<p class="note">The run was cancelled.</p>
{{else if eq .State "done"}}<p>Done in {{.Elapsed}}. Download:</p>
<ul class="downloads"><li><a href="/w/{{.ID}}/report.zip">the report (zip: index.html, results.json, figures)</a></li>
<li><a href="/w/{{.ID}}/results.json">results.json</a></li>
<li><a href="/w/{{.ID}}/analysis.json">the analysis file (options and data checksums)</a></li>
<li><a href="/w/{{.ID}}/command.txt">the command line</a></li>
{{$id := .ID}}{{range .Figures}}<li><a href="/w/{{$id}}/report/{{.Path}}?download=1">figure {{.Name}} (PNG)</a></li>{{end}}</ul>
<p>The same report from a terminal:<br><code>{{.Command}}</code></p>
<iframe title="report" src="/w/{{.ID}}/report/index.html"></iframe>
{{else}}<p class="hint">Choose the roles and options, then run the report.</p>{{end}}
</section>
{{template "foot"}}{{end}}

{{define "error"}}{{template "head" ""}}<section><h2>{{.Status}} {{.Text}}</h2><div class="error">{{.Msg}}</div><p><a href="/">Back to the start</a></p></section>{{template "foot"}}{{end}}
`
