package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/alliance-research/alliance/analysis/jsonout"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// File is one file of a report directory.
type File struct {
	// Path is relative to the report directory, with forward slashes.
	Path string
	Data []byte
}

// Files renders the report: index.html, results.json and, under figures/,
// each figure as SVG, PNG and (unless Options.NoPDF) PDF. The bytes depend
// only on the inputs and options.
func (r *Report) Files() ([]File, error) {
	figs := make(map[*Figure]*figureData, len(r.Figures))
	var files []File
	for _, f := range r.Figures {
		f.Figure.DPI = r.opt.DPI
		fd := &figureData{}
		var err error
		if fd.svg, err = encode(f, "svg"); err != nil {
			return nil, err
		}
		if fd.png, err = encode(f, "png"); err != nil {
			return nil, err
		}
		files = append(files, File{"figures/" + f.Name + ".svg", fd.svg}, File{"figures/" + f.Name + ".png", fd.png})
		if !r.opt.NoPDF {
			if fd.pdf, err = encode(f, "pdf"); err != nil {
				return nil, err
			}
			files = append(files, File{"figures/" + f.Name + ".pdf", fd.pdf})
		}
		figs[f] = fd
	}
	var page bytes.Buffer
	if err := r.doc.writeHTML(&page, figs); err != nil {
		return nil, err
	}
	js, err := r.JSON()
	if err != nil {
		return nil, err
	}
	return append([]File{{"index.html", page.Bytes()}, {"results.json", js}}, files...), nil
}

func encode(f *Figure, format string) ([]byte, error) {
	var b bytes.Buffer
	if err := f.Figure.Encode(&b, format); err != nil {
		return nil, fmt.Errorf("report: figure %s as %s: %w", f.Name, format, err)
	}
	return b.Bytes(), nil
}

// JSON returns results.json: every number of the report, with undefined
// values (NaN) as null.
func (r *Report) JSON() ([]byte, error) {
	return jsonout.Marshal(r.Results)
}

// WriteHTML writes index.html alone (figures are embedded in it).
func (r *Report) WriteHTML(w io.Writer) error {
	files, err := r.Files()
	if err != nil {
		return err
	}
	_, err = w.Write(files[0].Data)
	return err
}

// ErrNotReport is returned by Save when the output directory exists, is not
// empty and does not hold a previous report.
var ErrNotReport = errors.New("exists, is not empty and does not hold a previous report")

// IsReportDir reports whether dir holds a report written by Save: a
// results.json whose generator is Generator.
func IsReportDir(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		return false
	}
	var head struct {
		Generator string `json:"generator"`
	}
	return json.Unmarshal(b, &head) == nil && head.Generator == Generator
}

// Save writes files into dir atomically: they are written to a temporary
// directory beside dir, which then replaces dir by renames, so that dir
// holds either the previous content or the complete new report, never a
// part. An existing dir is replaced only when it is empty, holds a previous
// report (IsReportDir) or force is set; otherwise Save returns an error
// wrapping ErrNotReport and changes nothing.
func Save(dir string, files []File, force bool) error {
	if dir == "" {
		return errors.New("report: no output directory")
	}
	dir = filepath.Clean(dir)
	parent := filepath.Dir(dir)
	if st, err := os.Stat(parent); err != nil || !st.IsDir() {
		return fmt.Errorf("%s: the parent directory %s does not exist (create it first)", dir, parent)
	}
	exists := false
	if st, err := os.Stat(dir); err == nil {
		if !st.IsDir() {
			return fmt.Errorf("%s: %w (it is a file; choose another --out or remove it)", dir, ErrNotReport)
		}
		exists = true
		if !force && !IsReportDir(dir) {
			ents, err := os.ReadDir(dir)
			if err != nil {
				return fmt.Errorf("%s: %w", dir, err)
			}
			if len(ents) > 0 {
				return fmt.Errorf("%s: %w (choose another --out, or give --force to replace it)", dir, ErrNotReport)
			}
		}
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return fmt.Errorf("%s: cannot write: %w", dir, err)
	}
	fail := func(err error) error {
		os.RemoveAll(tmp)
		return err
	}
	for _, f := range files {
		if f.Path == "" || strings.Contains(f.Path, "..") || filepath.IsAbs(f.Path) {
			return fail(fmt.Errorf("report: bad file path %q", f.Path))
		}
		p := filepath.Join(tmp, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fail(fmt.Errorf("%s: %w", dir, err))
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return fail(fmt.Errorf("%s: writing %s: %w", dir, f.Path, err))
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fail(err)
	}
	if !exists {
		if err := os.Rename(tmp, dir); err != nil {
			return fail(fmt.Errorf("%s: %w", dir, err))
		}
		return nil
	}
	old := tmp + ".old"
	if err := os.Rename(dir, old); err != nil {
		return fail(fmt.Errorf("%s: cannot replace: %w", dir, err))
	}
	if err := os.Rename(tmp, dir); err != nil {
		if rerr := os.Rename(old, dir); rerr != nil {
			return fail(fmt.Errorf("%s: cannot replace (%v), and the previous report could not be restored from %s: %v", dir, err, old, rerr))
		}
		return fail(fmt.Errorf("%s: cannot replace: %w", dir, err))
	}
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("%s: written, but the previous report left in %s: %w", dir, old, err)
	}
	return nil
}
