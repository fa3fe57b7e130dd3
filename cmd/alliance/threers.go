package main

import (
	"io"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/plots/textout"

	"github.com/spf13/cobra"
)

// threeRSFlags select the columns of a 3RS segment-code file.
type threeRSFlags struct {
	on                                 bool
	session, segment, coder            string
	withdrawal, confrontation, resolve string
	ratings                            string
	minRating, maxRating               float64
}

func (x *threeRSFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.BoolVar(&x.on, "3rs", false, "3RS coding: segment-level codes → session-level frequencies and ratings per coder, and inter-rater reliability per scale")
	f.StringVar(&x.session, "3rs-session", "session", "3RS: session column")
	f.StringVar(&x.segment, "3rs-segment", "segment", "3RS: segment number column (1, 2, ...)")
	f.StringVar(&x.coder, "3rs-coder", "coder", "3RS: coder column")
	f.StringVar(&x.withdrawal, "withdrawal", "w_*", "3RS: withdrawal marker columns (counts or 0/1), a list or a prefix ending in *")
	f.StringVar(&x.confrontation, "confrontation", "c_*", "3RS: confrontation marker columns")
	f.StringVar(&x.resolve, "resolution", "r_*", "3RS: resolution strategy columns")
	f.StringVar(&x.ratings, "ratings", "rating_*", "3RS: rating scale columns (e.g. 1–5 significance ratings)")
	f.Float64Var(&x.minRating, "rating-min", 1, "3RS: lowest rating")
	f.Float64Var(&x.maxRating, "rating-max", 5, "3RS: highest rating")
}

// runThreeRS summarises 3RS segment codes.
func runThreeRS(e *env, x *threeRSFlags, src workflow.Source, level float64) error {
	run, err := workflow.ThreeRS(src, workflow.ThreeRSOptions{Session: x.session, Segment: x.segment, Coder: x.coder,
		Withdrawal: x.withdrawal, Confrontation: x.confrontation, Resolution: x.resolve, Ratings: x.ratings,
		MinRating: x.minRating, MaxRating: x.maxRating, Level: level})
	if err != nil {
		return withOptionFlag(err, map[string]string{"Withdrawal": "--withdrawal, --confrontation, --resolution, --ratings"})
	}
	return e.emitRun(run, run.Output(), func(w io.Writer) error { return textout.SectionCSV(w, run.Section(), "sessions") })
}
