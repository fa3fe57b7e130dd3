package datasets

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Encodings that ReadOptions.Encoding accepts ("" detects).
const (
	UTF8        = "utf-8"
	Windows1252 = "windows-1252"
	Latin1      = "latin-1"
)

// decodeText returns the text as UTF-8 and the encoding it was read from
// ("" when it was valid UTF-8 and not forced otherwise). Detection: text
// that is valid UTF-8 is UTF-8; otherwise it is read as Windows-1252 —
// Excel's "CSV" in western European locales, a superset of the printable
// Latin-1 — and the caller says so. Forcing UTF-8 makes invalid bytes an
// input error at their line; forcing windows-1252 or latin-1 decodes.
func decodeText(name string, data []byte, enc string) ([]byte, string, error) {
	switch strings.ToLower(strings.ReplaceAll(enc, "_", "-")) {
	case "", "auto":
		if utf8.Valid(data) {
			return data, "", nil
		}
		out, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			return nil, "", inputErr(name, 0, "%s", fmt.Sprintf("the text is neither UTF-8 nor Windows-1252 (%v); save it as UTF-8", err))
		}
		return out, Windows1252, nil
	case "utf-8", "utf8":
		if !utf8.Valid(data) {
			line, col := 1, 1
			for i := 0; i < len(data); {
				r, size := utf8.DecodeRune(data[i:])
				if r == utf8.RuneError && size <= 1 {
					return nil, "", inputErr(name, line, "%s", fmt.Sprintf("byte 0x%02X at character %d is not UTF-8; the file may be Windows-1252 or Latin-1 (choose that encoding) or save it as UTF-8", data[i], col))
				}
				if data[i] == '\n' {
					line, col = line+1, 0
				}
				i += size
				col++
			}
		}
		return data, "", nil
	case "windows-1252", "cp1252":
		out, err := charmap.Windows1252.NewDecoder().Bytes(data)
		return out, Windows1252, err
	case "latin-1", "latin1", "iso-8859-1":
		out, err := charmap.ISO8859_1.NewDecoder().Bytes(data)
		return out, Latin1, err
	}
	return nil, "", inputErr(name, 0, "%s", fmt.Sprintf("unknown encoding %q: give utf-8, windows-1252 or latin-1", enc))
}
