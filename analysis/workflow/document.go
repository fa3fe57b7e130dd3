package workflow

// Document is a whole report: a title, the notes a reader must see first,
// and the sections in order. Compose builds one from Parts.
type Document struct {
	Title    string
	Subtitle []string
	// Warning is shown in a box at the top: with Simulated, WarningLabel
	// ("SIMULATED DATA") followed by what is simulated and what that means.
	Warning string
	// Simulated says some of the data are simulated (Source.Simulated).
	Simulated bool
	// WarningLabel is the box's heading ("" without a warning).
	WarningLabel string
	// Notes are what was assumed, decoded, left out or changed, shown before
	// any result.
	Notes    []Note
	Sections []*Section
	// Citations are the references cited by the sections, in reference-list
	// order; nothing that was not used is listed.
	Citations []Citation
}

// NoteLevel says how prominently a note is shown.
type NoteLevel int

const (
	// Info is a statement of what was done (an assumed value, a default).
	Info NoteLevel = iota
	// Warning is something the reader must know before trusting a result
	// (a section left out, a fallback, a decoded encoding).
	Warning
)

// Note is one note shown at the top of an output.
type Note struct {
	Level NoteLevel `json:"-"`
	Text  string    `json:"text"`
}

// Section is a top-level section of a document (an h2 in HTML, a heading in
// text output): its blocks in order.
type Section struct {
	ID, Title string
	Blocks    []Block
}

// Block is one element of a section: *Heading, *Paragraph, *Table,
// *Figure, *Code or *List.
type Block interface{ isBlock() }

// Heading is a subsection heading (h3), listed in a table of contents.
type Heading struct{ ID, Text string }

// ParagraphKind distinguishes plain text from the APA results line, the
// plain-language reading of a result, a note and a methods paragraph.
type ParagraphKind int

const (
	Plain ParagraphKind = iota
	// Result is an APA-style results line ("r = .27, 95% CI [...]").
	Result
	// Reading is the plain-language reading of a result.
	Reading
	// NoteText is a note under a result; renderers prefix "Note."
	NoteText
	// Methods is a paragraph to adapt for a methods section.
	Methods
)

// Paragraph is a paragraph of plain text (renderers escape it).
type Paragraph struct {
	Kind ParagraphKind
	Text string
}

// Table is an APA-style table: a title above, notes below; cells are
// formatted strings. Right marks right-aligned (numeric) columns; Strong rows
// are set in bold (a pooled estimate).
type Table struct {
	// Name identifies the table among a run's tables (e.g. "coefficients"),
	// for CSV output of one table per file.
	Name    string
	Title   string
	Columns []string
	Right   []bool
	Rows    [][]string
	Strong  []bool
	Notes   []string
}

// Figure is a figure of a section: a name (the file stem), an APA title and
// caption, and the specification from which plots.FromSpec draws it.
type Figure struct {
	Name, Title, Caption string
	Spec                 FigureSpec
}

// Code is preformatted text: R code or shell command lines.
type Code struct {
	// Lang is "R" or "shell".
	Lang string
	Text string
}

// List is a list of plain-text items.
type List struct {
	Items   []string
	Ordered bool
}

func (*Heading) isBlock()   {}
func (*Paragraph) isBlock() {}
func (*Table) isBlock()     {}
func (*Figure) isBlock()    {}
func (*Code) isBlock()      {}
func (*List) isBlock()      {}

// Add appends blocks to the section.
func (s *Section) Add(b ...Block) { s.Blocks = append(s.Blocks, b...) }

// H adds a subsection heading.
func (s *Section) H(id, text string) { s.Add(&Heading{ID: id, Text: text}) }

// P adds a paragraph of the given kind.
func (s *Section) P(kind ParagraphKind, text string) {
	if text != "" {
		s.Add(&Paragraph{Kind: kind, Text: text})
	}
}

// Tables returns the section's tables in order.
func (s *Section) Tables() []*Table {
	var out []*Table
	for _, b := range s.Blocks {
		if t, ok := b.(*Table); ok {
			out = append(out, t)
		}
	}
	return out
}

// Figures returns the section's figures in order.
func (s *Section) Figures() []*Figure {
	var out []*Figure
	for _, b := range s.Blocks {
		if f, ok := b.(*Figure); ok {
			out = append(out, f)
		}
	}
	return out
}

// Step is one reproducible step of an analysis: what it does, the alliance
// command line and the equivalent R code.
type Step struct {
	Purpose string `json:"purpose"`
	Command string `json:"command,omitempty"`
	RCode   string `json:"r_code,omitempty"`
}

// Part is what every workflow function returns besides its typed results:
// the section a front end renders, the sentences of the methods paragraph
// (with their citations), the notes to show first, the reproducible steps
// and the data accounting. Compose assembles Parts into a Document.
type Part interface {
	// Section is the rendered body of the analysis.
	Section() *Section
	// Methods is the methods text of what actually ran.
	Methods() string
	// Cites lists the citation keys the section and methods use.
	Cites() []string
	// TopNotes are notes to show before any result.
	TopNotes() []Note
	// Steps are the command lines and R code that reproduce the part.
	Steps() []Step
	// Data is the accounting of the input table this part used (roles,
	// counts, rows left out), or nil.
	Data() *DataPart
}
