package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/analysis/rupture"
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

// gainsFigure is the mean trajectory around the gains (suddengains' plot_sg).
func gainsFigure(gains []change.Gain, label string) (*plots.Figure, error) {
	if len(gains) == 0 {
		return nil, fmt.Errorf("no sudden gains to plot")
	}
	return plots.SuddenGain(plots.GainWindows(gains), plots.SuddenGainOptions{YLabel: label})
}

// changeFigure is the Jacobson–Truax plot of a reliable-change result.
func changeFigure(res *change.Result, label string) (*plots.Figure, error) {
	pre, post, opt, err := plots.JTFromChange(res)
	if err != nil {
		return nil, err
	}
	opt.Label = label
	return plots.JacobsonTruax(pre, post, opt)
}

// ruptureFigure draws the alliance series of the named patients
// (comma-separated; default: the first patient with a repaired episode,
// else any episode) with their ruptures and repairs, one panel each.
func ruptureFigure(series []rupture.Series, res *rupture.Result, patients string) (*plots.Figure, error) {
	names := splitList(patients)
	if len(names) <= 1 {
		return rupturePanel(series, res, patients)
	}
	fig := &plots.Figure{}
	for _, p := range names {
		f, err := rupturePanel(series, res, p)
		if err != nil {
			return nil, err
		}
		fig.Panels = append(fig.Panels, f.Panels...)
		fig.Width = f.Width
		fig.Height += f.Height
	}
	return fig, nil
}

// rupturePanel draws one patient's rupture plot.
func rupturePanel(series []rupture.Series, res *rupture.Result, patient string) (*plots.Figure, error) {
	if patient == "" {
		for _, want := range []bool{true, false} {
			for _, ep := range res.Episodes {
				if ep.Repaired == want {
					patient = ep.Patient
					break
				}
			}
			if patient != "" {
				break
			}
		}
		if patient == "" {
			return nil, fmt.Errorf("no rupture to plot (name a patient with --plot-patient)")
		}
	}
	return plots.RupturePatient(series, res, patient, plots.RuptureOptions{YLabel: "Alliance",
		Title: fmt.Sprintf("Patient %s (%s)", patient, res.Options.Method)})
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
