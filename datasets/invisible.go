package datasets

import (
	"unicode"
	"unicode/utf8"
)

// invisibleMsg is the problem of a label cell that shows nothing.
const invisibleMsg = "is made only of invisible characters (NUL bytes, control, zero-width or format characters): a label must show who it names; type a visible label, or leave the cell empty"

// invisible reports whether a non-empty cell is made only of characters
// that display as nothing: C0/C1 controls and DEL (unicode.Cc, NUL
// included), format characters (unicode.Cf: zero-width space/joiners,
// the byte-order mark U+FEFF, soft hyphen), white space, and bytes that are
// not UTF-8. Such a label cannot be told from another one, or from an
// empty cell, in any table or figure.
func invisible(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		b = b[n:]
		if r == utf8.RuneError || unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) {
			continue
		}
		return false
	}
	return true
}

// Invisible reports whether a non-empty label shows nothing (see
// invisible): a front end or workflow reading its own label columns
// refuses such a label with InvisibleMsg, as the loaders do.
func Invisible(label string) bool { return invisible([]byte(label)) }

// InvisibleMsg is the problem message of an invisible label cell.
const InvisibleMsg = invisibleMsg
