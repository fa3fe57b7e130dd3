package datasets

import (
	"bytes"
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
// ("" when it was valid UTF-8 and not forced otherwise).
//
// Detection: text that is valid UTF-8 is UTF-8; otherwise it is read as
// Windows-1252 — Excel's "CSV" in western European locales, a superset of
// the printable Latin-1 — and the caller says so (Table.Encoding). Five
// bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) have no character in Windows-1252:
// text holding one is in neither encoding, and is refused at its line and
// column rather than decoded to U+FFFD. Forcing UTF-8 makes the first
// invalid byte an input error at its line and column (the column counts
// characters from 1); forcing windows-1252 refuses the five bytes the same
// way; forcing latin-1 (ISO 8859-1) decodes every byte.
func decodeText(name string, data []byte, enc string) ([]byte, string, error) {
	switch strings.ToLower(strings.ReplaceAll(strings.TrimSpace(enc), "_", "-")) {
	case "", "auto":
		if utf8.Valid(data) {
			return data, "", nil
		}
		if i := undefined1252(data); i >= 0 {
			line, col := position(data, i, false)
			return nil, "", inputErr(name, line, "byte 0x%02X at character %d is neither UTF-8 nor Windows-1252 text; save the file as UTF-8 (\"CSV UTF-8\" in Excel), or choose its encoding", data[i], col)
		}
		return decode1252(name, data)
	case "utf-8", "utf8":
		if i := invalidUTF8(data); i >= 0 {
			line, col := position(data, i, true)
			return nil, "", inputErr(name, line, "byte 0x%02X at character %d is not UTF-8; the file may be Windows-1252 or Latin-1 (choose that encoding) or save it as UTF-8", data[i], col)
		}
		return data, "", nil
	case "windows-1252", "cp1252", "windows1252":
		if i := undefined1252(data); i >= 0 {
			line, col := position(data, i, false)
			return nil, "", inputErr(name, line, "byte 0x%02X at character %d has no character in Windows-1252; choose another encoding or save the file as UTF-8", data[i], col)
		}
		return decode1252(name, data)
	case "latin-1", "latin1", "iso-8859-1", "iso8859-1":
		out, err := charmap.ISO8859_1.NewDecoder().Bytes(data)
		if err != nil { // not reached: every byte is a Latin-1 character
			return nil, "", inputErr(name, 0, "cannot decode as Latin-1: %v", err)
		}
		return out, Latin1, nil
	}
	return nil, "", inputErr(name, 0, "unknown encoding %q: give utf-8, windows-1252 or latin-1", enc)
}

// decode1252 decodes Windows-1252 text without undefined bytes.
func decode1252(name string, data []byte) ([]byte, string, error) {
	out, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil { // not reached: single-byte decoding does not fail
		return nil, "", inputErr(name, 0, "cannot decode as Windows-1252: %v", err)
	}
	return out, Windows1252, nil
}

// undefined1252 returns the index of the first byte that Windows-1252
// leaves undefined, or -1.
func undefined1252(data []byte) int {
	for i, b := range data {
		switch b {
		case 0x81, 0x8D, 0x8F, 0x90, 0x9D:
			return i
		}
	}
	return -1
}

// invalidUTF8 returns the index of the first byte that does not start a
// valid UTF-8 sequence, or -1.
func invalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

// position returns the 1-based line and column (in characters) of byte i:
// UTF-8 characters when utf8 is true, single bytes otherwise.
func position(data []byte, i int, utf8Text bool) (line, col int) {
	start := bytes.LastIndexByte(data[:i], '\n') + 1
	line = 1 + bytes.Count(data[:start], []byte{'\n'})
	if utf8Text {
		return line, utf8.RuneCount(data[start:i]) + 1
	}
	return line, i - start + 1
}
