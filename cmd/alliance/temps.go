package main

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Temporary files of this process. writeAtomic writes every output to a
// temporary file next to its target and renames it into place; a run
// interrupted by SIGINT or SIGTERM removes the temporaries it made
// (interrupted), and a later run removes temporaries of ours that an
// earlier, killed run left next to its target (sweepStale).

// temps is the registry of this process's temporary files. Creating,
// renaming and removing one hold mu, and an interrupt takes mu for good
// before it removes them, so that no temporary is made after the cleanup.
var temps = struct {
	mu    sync.Mutex
	files map[string]bool
	dirs  []string // report directories whose ".tmp-*" files are ours
	start time.Time
}{files: map[string]bool{}, start: time.Now()}

// staleAge is the age past which a temporary of ours is a leftover of a
// killed run, not a file a concurrent run is still writing.
const staleAge = time.Hour

// createTemp creates a temporary file in dir with the pattern and
// registers it.
func createTemp(dir, pattern string) (*os.File, error) {
	temps.mu.Lock()
	defer temps.mu.Unlock()
	f, err := os.CreateTemp(dir, pattern)
	if err == nil {
		temps.files[f.Name()] = true
	}
	return f, err
}

// finishTemp renames the temporary file tmp to path (or, with path "",
// removes it) and forgets it.
func finishTemp(tmp, path string) error {
	temps.mu.Lock()
	defer temps.mu.Unlock()
	delete(temps.files, tmp)
	if path == "" {
		return os.Remove(tmp)
	}
	return os.Rename(tmp, path)
}

// watchReportDir registers a report directory: an interrupt removes the
// ".tmp-*" files written there (in it and in figures/) since this process
// started.
func watchReportDir(dir string) {
	temps.mu.Lock()
	defer temps.mu.Unlock()
	temps.dirs = append(temps.dirs, dir)
}

// interrupted removes this process's temporaries and never returns the
// registry lock: called on SIGINT or SIGTERM just before the process exits.
func interrupted() {
	temps.mu.Lock()
	for f := range temps.files {
		os.Remove(f)
	}
	since := func(fi os.FileInfo) bool { return !fi.ModTime().Before(temps.start.Add(-time.Second)) }
	for _, d := range temps.dirs {
		removeTemps(d, since)
	}
	removeXLSXDirs(since)
}

// removeXLSXDirs removes the directories the xlsx reader makes for
// excelize ("alliance-xlsx-*" in the system temporary directory; see
// datasets) that match: the reader removes its own on return, but not
// when the process is stopped by a signal or killed.
func removeXLSXDirs(match func(os.FileInfo) bool) {
	tmp := os.TempDir()
	ents, err := os.ReadDir(tmp)
	if err != nil {
		return
	}
	for _, en := range ents {
		if !en.IsDir() || !strings.HasPrefix(en.Name(), "alliance-xlsx-") {
			continue
		}
		if fi, err := en.Info(); err == nil && match(fi) {
			os.RemoveAll(filepath.Join(tmp, en.Name()))
		}
	}
}

// removeTemps removes report temporaries (".tmp-*") in dir and dir/figures
// that ours accepts.
func removeTemps(dir string, ours func(os.FileInfo) bool) {
	for _, d := range []string{dir, filepath.Join(dir, "figures")} {
		ents, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		for _, en := range ents {
			if !en.Type().IsRegular() || !strings.HasPrefix(en.Name(), ".tmp-") {
				continue
			}
			if fi, err := en.Info(); err == nil && ours(fi) {
				os.Remove(filepath.Join(d, en.Name()))
			}
		}
	}
}

// sweepStale removes temporaries of ours older than staleAge next to the
// output path: writeAtomic's "."+base+".tmp*" files in its directory and,
// when path is a report directory, the report's ".tmp-*" files. It is
// called before a run writes to path.
func sweepStale(path string, reportDir bool) {
	old := func(fi os.FileInfo) bool { return time.Since(fi.ModTime()) > staleAge }
	removeXLSXDirs(old)
	if reportDir {
		removeTemps(path, old)
		return
	}
	dir, base := filepath.Dir(path), filepath.Base(path)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := "." + base + ".tmp"
	for _, en := range ents {
		if !en.Type().IsRegular() || !strings.HasPrefix(en.Name(), prefix) {
			continue
		}
		if fi, err := en.Info(); err == nil && old(fi) {
			os.Remove(filepath.Join(dir, en.Name()))
		}
	}
}
