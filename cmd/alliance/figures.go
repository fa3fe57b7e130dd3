package main

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets/fileout"
	"github.com/alliance-research/alliance/plots"
)

// saveSectionFigures draws every figure of a section for which path
// returns a file name (plots.FromSpec), and writes it atomically by
// extension.
func (e *env) saveSectionFigures(s *workflow.Section, path func(name string) string) error {
	for _, fig := range s.Figures() {
		p := path(fig.Name)
		if p == "" {
			continue
		}
		f, err := plots.FromSpec(fig.Spec)
		if err != nil {
			return fmt.Errorf("figure %s: %w", p, err)
		}
		if in := fileout.SameFile(p, e.inputs); in != "" {
			return usagef("refusing to write %s: it is the input file %s", p, in)
		}
		if err := f.Save(p); err != nil {
			return err
		}
		e.infof("wrote %s", p)
	}
	return nil
}

// saveNamedFigure draws the figure called name of a section to path (none
// when path is "").
func (e *env) saveNamedFigure(s *workflow.Section, name, path string) error {
	if path == "" {
		return nil
	}
	for _, f := range s.Figures() {
		if f.Name == name {
			return e.saveSectionFigures(s, func(n string) string {
				if n == name {
					return path
				}
				return ""
			})
		}
	}
	return errNoFigure{path, name}
}

// errNoFigure is a figure asked for that the data do not give.
type errNoFigure struct{ path, name string }

func (e errNoFigure) Error() string {
	return fmt.Sprintf("figure %s: there is no %s figure for these data", e.path, e.name)
}
