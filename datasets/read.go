package datasets

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ReadOptions control how a file is split into cells. The zero value
// detects everything.
type ReadOptions struct {
	// Delimiter is the field delimiter; 0 detects it from the header line
	// (the most frequent of ',', tab and ';' outside quotes).
	Delimiter rune
	// Decimal is the decimal separator of numbers, '.' or ','; 0 means ','
	// when the delimiter is ';' (European spreadsheets) and '.' otherwise.
	// XLSX numbers are stored with '.', so 0 means '.' there.
	Decimal rune
	// Sheet is the XLSX worksheet to read; "" reads the first sheet.
	Sheet string
	// NA lists missing-value codes in addition to DefaultNA ("", "NA", ".").
	// Numeric codes also match the same number written differently.
	NA []string
	// Encoding of delimited text: "" detects (UTF-8, else Windows-1252,
	// said in Table.Encoding), or "utf-8", "windows-1252", "latin-1".
	Encoding string
	// MaxBytes bounds the bytes read from a file or stream; 0 means
	// DefaultMaxBytes. A larger input is an *InputError with hint
	// "max-bytes".
	MaxBytes int64
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// ReadFile reads a CSV, TSV, semicolon-separated, XLSX or Parquet file into
// a Table.
// path "-" reads standard input (reported as "stdin" in messages). Problems
// with the content are returned as an *InputError.
func ReadFile(path string, opt ReadOptions) (*Table, error) {
	if path == "-" {
		return Read("stdin", os.Stdin, opt)
	}
	data, err := readPath(path, opt)
	if err != nil {
		return nil, err
	}
	return parse(path, data, opt)
}

func describeOSError(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// Read reads a table from r. name is used in messages and to recognise
// ".xlsx" and ".parquet" files (which are also recognised by their content). At most
// opt.MaxBytes are read.
func Read(name string, r io.Reader, opt ReadOptions) (*Table, error) {
	data, err := readBounded(name, r, opt.maxBytes(), -1)
	if err != nil {
		return nil, err
	}
	return parse(name, data, opt)
}

// ReadBytes reads a table held in memory. The slice is used as the table's
// storage and modified (quoted fields are unquoted in place); pass a copy if
// it must stay intact.
func ReadBytes(name string, data []byte, opt ReadOptions) (*Table, error) {
	return parse(name, data, opt)
}

func parse(name string, data []byte, opt ReadOptions) (*Table, error) {
	var t *Table
	var err error
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) || strings.EqualFold(filepath.Ext(name), ".xlsx"):
		t, err = readXLSX(name, data, opt)
	case bytes.HasPrefix(data, parquetMagic) || strings.EqualFold(filepath.Ext(name), ".parquet"):
		t, err = readParquet(name, data, opt)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}) || strings.EqualFold(filepath.Ext(name), ".xls"):
		return nil, inputErr(name, 0, "old Excel .xls files are not supported; save the sheet as .xlsx or .csv")
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return nil, inputErr(name, 0, "the file is UTF-16 text; save it as UTF-8 (\"CSV UTF-8\" in Excel)")
	default:
		data = bytes.TrimPrefix(data, bom)
		var enc string
		if data, enc, err = decodeText(name, data, opt.Encoding); err != nil {
			return nil, err
		}
		if t, err = readDelimited(name, data, opt); err == nil {
			t.Encoding = enc
		}
	}
	if err != nil {
		return nil, err
	}
	t.naTxt = append(append([]string(nil), DefaultNA...), opt.NA...)
	t.na = newNASet(opt.NA, byte(t.Decimal))
	return t, nil
}

// decimalSeparator is the decimal separator of opt for the file name: the
// one given ('.' or ','), else auto (the ',' of a ';'-separated text file,
// '.' otherwise); any other rune is an input error.
func (opt ReadOptions) decimalSeparator(name string, auto byte) (byte, error) {
	switch opt.Decimal {
	case 0:
		return auto, nil
	case '.', ',':
		return byte(opt.Decimal), nil
	}
	return 0, inputErr(name, 0, "decimal separator %q is not supported; use . or ,", opt.Decimal)
}
