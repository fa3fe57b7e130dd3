package report

import (
	"html/template"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/alliance-research/alliance/analysis/workflow"
)

// apaToken matches the candidates for APA set-off: statistical symbols
// (italic, APA 7 §6.45), Q with a subscript written Q_M, Q_E or Q_b, S_diff,
// SD_pre and SD_post (reliable change), and
// "Note.". Whether a candidate is a whole token is decided by its
// neighbours (see wholeToken).
var apaToken = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`Note\.|Q_[MEb]|S_diff|SD_pre|SD_post|[IHτχσR]²|SE|SD|df|[kprztFQMNnbdg]`)
})

// APA turns plain text into safe HTML in APA style: the text is escaped,
// statistical symbols that stand as whole tokens (k, p, r, z, t, F, Q, SE,
// M, SD, N, n, b, d, g, df, I², τ², H², χ², σ², R²) are set in italics, Q_M, Q_E,
// Q_b, S_diff, SD_pre and SD_post become the italic symbol with the
// subscript, and "Note." is italic. A
// letter inside a word, a file name (t.csv) or a contraction (don't) is
// left alone.
func APA(text string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range apaToken().FindAllStringIndex(text, -1) {
		i, j := m[0], m[1]
		if !wholeToken(text, i, j) {
			continue
		}
		b.WriteString(template.HTMLEscapeString(text[last:i]))
		tok := text[i:j]
		switch {
		case tok == "Note.":
			b.WriteString("<em>Note.</em>")
		case strings.Contains(tok, "_"): // Q_M, S_diff, SD_pre: an italic symbol with its subscript
			sym, sub, _ := strings.Cut(tok, "_")
			b.WriteString("<i>" + sym + "</i><sub>" + sub + "</sub>")
		case strings.HasSuffix(tok, "²"):
			b.WriteString("<i>" + strings.TrimSuffix(tok, "²") + "</i><sup>2</sup>")
		default:
			b.WriteString("<i>" + tok + "</i>")
		}
		last = j
	}
	b.WriteString(template.HTMLEscapeString(text[last:]))
	return template.HTML(b.String())
}

// wholeToken reports whether text[i:j] stands alone: not preceded by a
// letter, digit, underscore, apostrophe or period, and not followed by a
// letter, digit, underscore, apostrophe, or a period and a letter.
func wholeToken(text string, i, j int) bool {
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(text[:i])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("_'’.", r) {
			return false
		}
	}
	if j < len(text) {
		r, n := utf8.DecodeRuneInString(text[j:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("_'’²", r) {
			return false
		}
		if r == '.' && j+n < len(text) {
			if r2, _ := utf8.DecodeRuneInString(text[j+n:]); unicode.IsLetter(r2) || unicode.IsDigit(r2) {
				return false
			}
		}
	}
	return true
}

// citationHTML is a reference-list entry with its italic part (journal
// and volume, or a title) in <i>.
func citationHTML(c workflow.Citation) template.HTML {
	return template.HTML(template.HTMLEscapeString(c.Before) + "<i>" + template.HTMLEscapeString(c.Italic) + "</i>" + template.HTMLEscapeString(c.After))
}
