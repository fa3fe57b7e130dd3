package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/plots"
)

// checkFigurePath rejects a figure file name without a known extension
// before any work is done.
func checkFigurePath(flag, path string) error {
	if path == "" {
		return nil
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png", ".svg", ".pdf":
		return nil
	}
	return usagef("%s %s: give a file name ending in .png, .svg or .pdf", flag, path)
}

// saveFigure writes fig to path (atomically, by extension) and says so.
func (e *env) saveFigure(fig *plots.Figure, err error, path string) error {
	if err != nil {
		return fmt.Errorf("figure %s: %w", path, err)
	}
	if in := e.sameAsInput(path); in != "" {
		return usagef("refusing to write %s: it is the input file %s", path, in)
	}
	if err := fig.Save(path); err != nil {
		return err
	}
	e.infof("wrote %s", path)
	return nil
}

// saveSectionFigures draws every figure of a section for which path
// returns a file name, and writes it.
func (e *env) saveSectionFigures(s *workflow.Section, path func(name string) string) error {
	for _, fig := range s.Figures() {
		p := path(fig.Name)
		if p == "" {
			continue
		}
		f, err := plots.FromSpec(fig.Spec)
		if err = e.saveFigure(f, err, p); err != nil {
			return err
		}
	}
	return nil
}
