package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/alliance-research/alliance/datasets/fileout"
)

// ManifestName is the file in a report directory that lists the files the
// report wrote; the next report replaces those files and no other.
const ManifestName = "manifest.json"

// manifest is the content of ManifestName.
type manifest struct {
	Generator string   `json:"generator"`
	Files     []string `json:"files"`
}

// ErrNotReport is returned by Save when a file it would write exists and
// was not written by a previous report (it is not in the manifest), or the
// directory is not empty and holds no report without Force.
var ErrNotReport = errors.New("holds files that no previous report wrote")

// ErrHoldsInput is returned by Save when the output directory holds one of
// the input files.
var ErrHoldsInput = errors.New("holds an input file of the report")

// SaveOptions are the choices of Save.
type SaveOptions struct {
	// Inputs are the input files of the report: a directory holding one of
	// them (the same file by device and inode) is refused.
	Inputs []string
	// Force writes into a non-empty directory that holds no previous
	// report; files of other programs are still never replaced or removed.
	Force bool
}

// Saved says what Save did, relative to the directory.
type Saved struct {
	// Written are all files written; Replaced those that replaced a file
	// of a previous report; Removed the previous report's files that the
	// new one does not have.
	Written, Replaced, Removed []string
}

// Save writes files (and the manifest) into dir. It never replaces or
// removes a file it did not write: a file is replaced only when the
// previous report's manifest lists it, and the previous report's files
// that the new report lacks are removed. Every file is written to a
// temporary file in its directory and renamed into place
// (fileout.WriteFile), so no file is ever half-written, and an interrupted
// front end removes the temporaries (fileout.Interrupted). Save refuses
// (changing nothing) a dir that holds an input file, a file of the
// report's names that no report wrote, or — without opt.Force — a
// non-empty directory without a manifest.
func Save(dir string, files []File, opt SaveOptions) (*Saved, error) {
	if dir == "" {
		return nil, errors.New("report: no output directory")
	}
	dir = filepath.Clean(dir)
	parent := filepath.Dir(dir)
	if st, err := os.Stat(parent); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%s: the parent directory %s does not exist (create it first)", dir, parent)
	}
	names := map[string]bool{ManifestName: true}
	for _, f := range files {
		p := f.Path
		if p == "" || strings.Contains(p, "..") || filepath.IsAbs(p) || strings.HasPrefix(p, "/") || p == ManifestName {
			return nil, fmt.Errorf("report: bad file path %q", p)
		}
		names[p] = true
	}
	prev, err := Check(dir, opt)
	if err != nil {
		return nil, err
	}
	for p := range names {
		if p == ManifestName {
			continue
		}
		if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(p))); err == nil && !prev[p] {
			return nil, fmt.Errorf("%s: %w: %s (move it away, or choose another output directory)", dir, ErrNotReport, p)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	out := &Saved{}
	write := func(p string, data []byte) error {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		return fileout.WriteFile(full, data)
	}
	man := manifest{Generator: Generator}
	for _, f := range files {
		if err := write(f.Path, f.Data); err != nil {
			return out, fmt.Errorf("%s: %w", dir, err)
		}
		out.Written = append(out.Written, f.Path)
		if prev[f.Path] {
			out.Replaced = append(out.Replaced, f.Path)
		}
		man.Files = append(man.Files, f.Path)
	}
	sort.Strings(man.Files)
	js, _ := json.MarshalIndent(man, "", "  ")
	if err := write(ManifestName, append(js, '\n')); err != nil {
		return out, fmt.Errorf("%s: %w", dir, err)
	}
	var stale []string
	for p := range prev {
		if !names[p] {
			stale = append(stale, p)
		}
	}
	sort.Strings(stale)
	for _, p := range stale {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(p))); err == nil {
			out.Removed = append(out.Removed, p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return out, fmt.Errorf("%s: removing the previous report's %s: %w", dir, p, err)
		}
	}
	return out, nil
}

// Check tells whether Save may write into dir, before any work: it returns
// the files of the previous report (from its manifest), or an error when
// dir is a file, holds an input file (ErrHoldsInput), or is a non-empty
// directory without a manifest and opt.Force is not set (ErrNotReport).
func Check(dir string, opt SaveOptions) (map[string]bool, error) {
	dir = filepath.Clean(dir)
	st, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]bool{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s: is a file, not a directory (choose another output directory)", dir)
	}
	if err = holdsInput(dir, opt.Inputs); err != nil {
		return nil, err
	}
	prev := map[string]bool{}
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err == nil {
		var m manifest
		if json.Unmarshal(b, &m) != nil || m.Generator != Generator {
			return nil, fmt.Errorf("%s: %w: %s is not a report manifest", dir, ErrNotReport, ManifestName)
		}
		for _, p := range m.Files {
			if p != "" && !strings.Contains(p, "..") && !filepath.IsAbs(p) {
				prev[p] = true
			}
		}
		return prev, nil
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if len(ents) > 0 && !opt.Force {
		return nil, fmt.Errorf("%s: %w: it is not empty and holds no report (choose another output directory, or force writing beside its files)", dir, ErrNotReport)
	}
	return prev, nil
}

// holdsInput reports an input file inside dir (the same file by device
// and inode, so links and other spellings of the path are found).
func holdsInput(dir string, inputs []string) error {
	var in []os.FileInfo
	for _, p := range inputs {
		if p == "" || p == "-" {
			continue
		}
		if st, err := os.Stat(p); err == nil {
			in = append(in, st)
		}
	}
	if len(in) == 0 {
		return nil
	}
	var found string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || found != "" {
			return nil
		}
		st, err := os.Stat(p)
		if err != nil || st.IsDir() {
			return nil
		}
		for _, x := range in {
			if os.SameFile(st, x) {
				found = p
				return filepath.SkipAll
			}
		}
		return nil
	})
	if found != "" {
		return fmt.Errorf("%s: %w (%s); write the report to another directory", dir, ErrHoldsInput, found)
	}
	return nil
}
