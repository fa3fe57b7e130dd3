package report

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/jsonout"
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/plots"
	"github.com/alliance-research/alliance/plots/textout"
	"gonum.org/v1/plot/vg"
)

// Generator names the program in results.json and the manifest.
const Generator = "alliance report"

// DefaultDPI is the resolution of the PNG figures when Options.DPI is 0.
const DefaultDPI = 200

// Options configures Render.
type Options struct {
	// DPI of the PNG figures (0: DefaultDPI); NoPDF skips the PDF files.
	DPI   float64
	NoPDF bool
	// Version and Date are written to results.json (Date only when set).
	Version, Date string
}

// Check refuses options Render cannot draw with, before any work: a
// resolution that is not a positive, finite number of dots per inch (an
// invalid-option error with the hint "DPI").
func (o Options) Check() error {
	if !(o.DPI > 0 && o.DPI <= maxDPI) {
		return errs.New(errs.InvalidOption, "report", "figure resolution %v: give a positive number of dots per inch up to %d (e.g. %d)", o.DPI, maxDPI, DefaultDPI).WithHint("DPI")
	}
	return nil
}

// maxDPI bounds the resolution: a figure of 7 inches at 2,400 dpi is
// already 16,800 pixels wide.
const maxDPI = 2400

// File is one file of a report directory.
type File struct {
	// Path is relative to the report directory, with forward slashes.
	Path string
	Data []byte
}

// FigureInfo lists a figure's files, relative to the report directory.
type FigureInfo struct {
	Name  string   `json:"name"`
	Title string   `json:"title"`
	Files []string `json:"files"`
}

// Results is results.json: the typed results of every part (its Output()
// where it has one, else the part itself), keyed by the part's name, with
// the notes, figures, citations and reproducible steps of the document.
type Results struct {
	Generator string               `json:"generator"`
	Version   string               `json:"version"`
	Date      string               `json:"date,omitempty"`
	Simulated bool                 `json:"simulated"`
	Notes     []workflow.Note      `json:"notes"`
	Results   map[string]any       `json:"results"`
	Figures   []FigureInfo         `json:"figures"`
	Citations []workflow.Citation  `json:"references"`
	Steps     []workflow.Step      `json:"steps"`
	Data      []*workflow.DataPart `json:"data"`
}

// PartName is the key of a part in results.json: the ID of its section
// ("meta", "sessions", "ipd", "panel", "ruptures", "gains", "change",
// "lmm", "reliability", "score", "threers"), or its type's name for a part
// without one.
func PartName(p workflow.Part) string {
	if s := p.Section(); s != nil && s.ID != "" {
		return s.ID
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", p), "*workflow.")
}

// Output is the typed result of a part as its command writes it: its
// Output() where it has one, else the part itself.
func Output(p workflow.Part) any {
	if o, ok := p.(interface{ Output() any }); ok {
		return o.Output()
	}
	return p
}

// Render draws every figure of doc with plots.FromSpec and renders
// index.html (figures inline as SVG), results.json and figures/NAME.svg,
// .png (with its DPI in a pHYs chunk) and .pdf. The bytes depend only on
// the inputs and options.
func Render(doc *workflow.Document, parts []workflow.Part, opt Options) ([]File, error) {
	if opt.DPI == 0 {
		opt.DPI = DefaultDPI
	}
	if err := opt.Check(); err != nil {
		return nil, err
	}
	if opt.Version == "" {
		opt.Version = "dev"
	}
	res := Results{Generator: Generator, Version: opt.Version, Date: opt.Date, Simulated: doc.Simulated,
		Notes: doc.Notes, Results: map[string]any{}, Citations: doc.Citations}
	for _, p := range parts {
		name := PartName(p)
		if _, dup := res.Results[name]; dup {
			for i := 2; ; i++ {
				if _, d := res.Results[fmt.Sprintf("%s%d", name, i)]; !d {
					name = fmt.Sprintf("%s%d", name, i)
					break
				}
			}
		}
		res.Results[name] = Output(p)
		res.Steps = append(res.Steps, p.Steps()...)
		if d := p.Data(); d != nil {
			res.Data = append(res.Data, d)
		}
	}
	pg := &page{Generator: Generator, Title: doc.Title, Subtitle: strings.Join(doc.Subtitle, " · "), CSS: template.CSS(css)}
	pg.WarningLabel, pg.Warning = doc.WarningLabel, strings.TrimPrefix(doc.Warning, doc.WarningLabel+" — ")
	for _, n := range doc.Notes {
		pg.Notes = append(pg.Notes, noteView{Warning: n.Level == workflow.Warning, Text: APA(n.Text)})
	}
	var files []File
	fonts := &fontSet{}
	nt, nf := 0, 0
	seen := map[string]bool{}
	for i, s := range doc.Sections {
		sv := sectionView{ID: s.ID, Title: s.Title, Num: i + 1}
		if s.ID == "references" && len(s.Blocks) == 0 {
			b := blockView{Kind: "refs"}
			for _, c := range doc.Citations {
				b.Items = append(b.Items, citationHTML(c))
			}
			sv.Blocks = append(sv.Blocks, b)
		}
		for _, bl := range s.Blocks {
			switch x := bl.(type) {
			case *workflow.Heading:
				sv.Subs = append(sv.Subs, subView{x.ID, x.Text})
				sv.Blocks = append(sv.Blocks, blockView{Kind: "h", ID: x.ID, Text: APA(x.Text)})
			case *workflow.Paragraph:
				sv.Blocks = append(sv.Blocks, paragraph(x))
			case *workflow.List:
				b := blockView{Kind: "list", Ordered: x.Ordered}
				for _, it := range x.Items {
					b.Items = append(b.Items, APA(it))
				}
				sv.Blocks = append(sv.Blocks, b)
			case *workflow.Code:
				sv.Blocks = append(sv.Blocks, blockView{Kind: "code", Lang: x.Lang, Code: strings.TrimRight(x.Text, "\n")})
			case *workflow.Table:
				nt++
				tv, tf := boundedTable(x, nt, s.ID)
				files = append(files, tf...)
				sv.Blocks = append(sv.Blocks, blockView{Kind: "table", Table: tv})
			case *workflow.Figure:
				nf++
				if seen[x.Name] {
					return nil, fmt.Errorf("report: two figures are named %s", x.Name)
				}
				seen[x.Name] = true
				fv, ff, err := figureOf(x, nf, opt, fonts)
				if err != nil {
					return nil, err
				}
				files = append(files, ff...)
				if fv.Failed == "" {
					info := FigureInfo{Name: x.Name, Title: x.Title}
					for _, f := range ff {
						info.Files = append(info.Files, f.Path)
					}
					res.Figures = append(res.Figures, info)
				}
				sv.Blocks = append(sv.Blocks, blockView{Kind: "figure", Figure: fv})
			}
		}
		pg.Sections = append(pg.Sections, sv)
	}
	files = append(files, tableFiles(parts, files)...)
	pg.Fonts = template.CSS(strings.Join(fonts.rules, "\n"))
	var html bytes.Buffer
	if err := pageTemplate().Execute(&html, pg); err != nil {
		return nil, fmt.Errorf("report: rendering index.html: %w", err)
	}
	js, err := jsonout.Marshal(res)
	if err != nil {
		return nil, fmt.Errorf("report: results.json: %w", err)
	}
	return append([]File{{"index.html", html.Bytes()}, {"results.json", js}}, files...), nil
}

func paragraph(p *workflow.Paragraph) blockView {
	b := blockView{Kind: "p", Text: APA(p.Text)}
	switch p.Kind {
	case workflow.Result:
		b.Class = "apa"
	case workflow.Reading:
		b.Class = "reading"
	case workflow.NoteText:
		b.Class, b.Note = "note", !strings.HasPrefix(p.Text, "Note.")
	case workflow.Methods:
		b.Class = "methods"
	}
	return b
}

func tableOf(t *workflow.Table, num int) *tableView {
	right := func(j int) bool { return j < len(t.Right) && t.Right[j] }
	tv := &tableView{Num: num, Title: APA(t.Title)}
	for j, c := range t.Columns {
		tv.Head = append(tv.Head, cellView{Text: APA(c), Num: right(j)})
	}
	for i, row := range t.Rows {
		strong := i < len(t.Strong) && t.Strong[i]
		var r []cellView
		for j, c := range row {
			r = append(r, cellView{Text: APA(c), Num: right(j), Strong: strong})
		}
		tv.Rows = append(tv.Rows, r)
	}
	for _, n := range t.Notes {
		tv.Notes = append(tv.Notes, APA(strings.TrimPrefix(n, "Note. ")))
	}
	return tv
}

// The page stays bounded whatever the data: a table longer than
// maxTableRows shows its first shownTableRows rows and is written whole
// beside the page as tables/SECTION-NAME.csv, and a figure whose vector
// drawing exceeds maxInlineSVG bytes is shown as its PNG (the SVG and PDF
// are still written).
const (
	maxTableRows   = 60
	shownTableRows = 25
	maxInlineSVG   = 1 << 20
)

// boundedTable is tableOf for the page, shortening a long table (see
// maxTableRows) and returning the file of its full rows.
func boundedTable(t *workflow.Table, num int, section string) (*tableView, []File) {
	if len(t.Rows) <= maxTableRows {
		return tableOf(t, num), nil
	}
	name := t.Name
	if name == "" {
		name = fmt.Sprintf("table%d", num)
	}
	path := "tables/" + safeName(section+"-"+name) + ".csv"
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	_ = cw.Write(t.Columns) // writes to a buffer cannot fail
	for _, r := range t.Rows {
		_ = cw.Write(r)
	}
	cw.Flush()
	short := *t
	short.Rows = t.Rows[:shownTableRows]
	if len(t.Strong) > shownTableRows {
		short.Strong = t.Strong[:shownTableRows]
	}
	short.Notes = append([]string{fmt.Sprintf("The first %d of the %d rows; the full table is in %s.", shownTableRows, len(t.Rows), path)}, t.Notes...)
	return tableOf(&short, num), []File{{path, safeCSV(b.Bytes())}}
}

// safeCSV neutralises a table file's cells as every CSV the program writes
// (textout.SafeCSV: a cell a spreadsheet would run as a formula, such as a
// patient id "=HYPERLINK(…)" from a hostile input, gets a leading ').
func safeCSV(data []byte) []byte {
	var b bytes.Buffer
	if err := textout.SafeCSV(func(w io.Writer) error { _, err := w.Write(data); return err }, ',')(&b); err != nil {
		return data // cannot happen writing to a buffer
	}
	return b.Bytes()
}

// tableFiles are the full tables the parts write beside the page
// (workflow.TableFile: per-patient and per-episode tables of large
// samples), each under tables/ and not already among files.
func tableFiles(parts []workflow.Part, files []File) []File {
	have := map[string]bool{}
	for _, f := range files {
		have[f.Path] = true
	}
	var out []File
	for _, p := range parts {
		tf, ok := p.(interface{ TableFiles() []workflow.TableFile })
		if !ok {
			continue
		}
		for _, t := range tf.TableFiles() {
			name, ok := strings.CutPrefix(t.Path, "tables/")
			if !ok || safeName(strings.TrimSuffix(name, ".csv"))+".csv" != name || have[t.Path] {
				continue
			}
			have[t.Path] = true
			out = append(out, File{t.Path, safeCSV(t.Data)})
		}
	}
	return out
}

// safeName keeps letters, digits, '-' and '_' of a file stem.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '_'
	}, s)
}

// figureOf draws a figure and encodes its files; a figure that cannot be
// drawn is shown as such in place (its error text), not left out silently.
func figureOf(x *workflow.Figure, num int, opt Options, fonts *fontSet) (*figureView, []File, error) {
	fv := &figureView{Name: x.Name, Num: num, Title: APA(x.Title), Caption: APA(x.Caption), Files: ".svg, .png, .pdf"}
	if opt.NoPDF {
		fv.Files = ".svg, .png"
	}
	if x.Name == "" || strings.ContainsAny(x.Name, `/\`) || strings.Contains(x.Name, "..") {
		return nil, nil, fmt.Errorf("report: bad figure name %q", x.Name)
	}
	fig, err := plots.FromSpec(x.Spec)
	if err != nil {
		fv.Failed = err.Error()
		return fv, nil, nil
	}
	fig.DPI = opt.DPI
	enc := func(format string) ([]byte, error) {
		var b bytes.Buffer
		if e := fig.Encode(&b, format); e != nil {
			return nil, fmt.Errorf("report: figure %s as %s: %w", x.Name, format, e)
		}
		return b.Bytes(), nil
	}
	svg, err := enc("svg")
	if err != nil {
		return nil, nil, err
	}
	png, err := enc("png")
	if err != nil {
		return nil, nil, err
	}
	png, err = withPHYs(png, float64(fig.Width/vg.Inch))
	if err != nil {
		return nil, nil, fmt.Errorf("report: figure %s: %w", x.Name, err)
	}
	files := []File{{"figures/" + x.Name + ".svg", svg}, {"figures/" + x.Name + ".png", png}}
	if !opt.NoPDF {
		pdf, perr := enc("pdf")
		if perr != nil {
			return nil, nil, perr
		}
		files = append(files, File{"figures/" + x.Name + ".pdf", pdf})
	}
	inl, err := fonts.inline(svg, x.Title)
	if err != nil {
		return nil, nil, fmt.Errorf("report: figure %s: %w", x.Name, err)
	}
	w, h := fig.Width.Points(), fig.Height.Points()
	if w < 4*72 {
		w, h = w*1.4, h*1.4
	}
	if len(inl) > maxInlineSVG {
		// Too many marks to inline as vectors: the page shows the PNG.
		fv.SVG = template.HTML(fmt.Sprintf(`<img src="data:image/png;base64,%s" width="%.0f" height="%.0f" alt="%s">`,
			base64.StdEncoding.EncodeToString(png), w*4/3, h*4/3, template.HTMLEscapeString(x.Title)))
		fv.Caption += template.HTML(fmt.Sprintf(" Shown as an image: its vector drawing (%d kB) is in figures/%s.svg.", len(inl)>>10, x.Name))
		return fv, files, nil
	}
	// Size in CSS pixels (1 pt = 4/3 px); the viewBox keeps the drawing.
	inl = svgSize().ReplaceAllString(inl, fmt.Sprintf(`<svg$1 width="%.0f" height="%.0f" viewBox=`, w*4/3, h*4/3))
	fv.SVG = template.HTML(inl)
	return fv, files, nil
}
