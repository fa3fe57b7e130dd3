package main

import (
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/spf13/cobra"
)

// scaleFlags are the flags of a location–scale model ('alliance meta
// --scale'); workflow.MetaOptions.Scale documents the model.
type scaleFlags struct {
	scale, newscale string
}

func (s *scaleFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&s.scale, "scale", "", "location–scale model: scale moderator columns, comma-separated, for log τ² (text columns become factors), as metafor rma(yi, vi, mods, scale = ~ …); with --method REML or ML")
	f.StringVar(&s.newscale, "newscale", "", "with --scale: τ² predicted at scale values, points separated by ';', each `rater=patient,year=2010`, as predict(res, newscale, transf = exp)")
}

// apply sets the options of the scale flags.
func (s *scaleFlags) apply(o *workflow.MetaOptions) error {
	o.Scale = splitList(s.scale)
	var err error
	o.NewScale, err = workflow.ParsePoints("NewScale", s.newscale)
	return withOptionFlag(err, metaOptionFlags)
}
