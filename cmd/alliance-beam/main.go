// Command alliance-beam runs the per-patient stage of 'alliance ruptures'
// and 'alliance gains' as an Apache Beam pipeline over Parquet shards, so
// that a registry too large for one machine is read, keyed by patient and
// summarised by many workers; only the sums meet on one machine. It is a
// module of its own (its go.mod), so the Beam SDK's dependencies stay out
// of the alliance binary. docs/scale.md describes the pipeline and the
// runners.
//
//	alliance-beam --input 'shards/part-*.parquet' --out summary.json --cutoff 5
//	alliance-beam --runner flink --endpoint HOST:8099 --input ... --out ...
//
// The JSON holds the summaries of 'alliance ruptures --format json'
// ("ruptures": the rule applied and "summary") and of 'alliance gains
// --format json' ("gains": criteria, summary, patients,
// patients_with_gain, sessions) and, with --sessions, the session model of
// 'alliance sessions --format json' ("session_model", fitted once from the
// merged sufficient statistics, without the per-patient conditional
// modes), equal to the single-machine commands' on the same rows (counts
// exactly, means and SDs to rounding, the model's estimates to 1e-6).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
)

func main() {
	var c Config
	flag.StringVar(&c.Input, "input", "", "glob of the Parquet (or CSV) shards of a long session table, e.g. 'data/part-*.parquet'; a patient's rows may be spread over several shards")
	flag.StringVar(&c.Output, "out", "", "JSON file of the summaries (local path or gs://…)")
	flag.StringVar(&c.Columns.Patient, "patient", "", "patient column (default: patient, id)")
	flag.StringVar(&c.Columns.Therapist, "therapist", "", "therapist column (default: therapist)")
	flag.StringVar(&c.Columns.Session, "session", "", "session column (default: session)")
	flag.StringVar(&c.Columns.Alliance, "alliance", "", "alliance column (default: alliance)")
	flag.StringVar(&c.Columns.Outcome, "outcome", "", "outcome column (default: outcome)")
	flag.StringVar(&c.Preset, "preset", "", "rupture criterion by name, as 'alliance ruptures --preset' (default: the sd rule, k = 2, pooled within-patient SD)")
	flag.BoolVar(&c.NoRuptures, "no-ruptures", false, "skip the rupture stage (data without an alliance column)")
	flag.Float64Var(&c.Cutoff, "cutoff", 0, "run the sudden-gains stage with criterion 1 = this many points, as 'alliance gains --cutoff' (0: no gains stage)")
	flag.BoolVar(&c.Losses, "losses", false, "sudden losses instead of gains (with --cutoff)")
	flag.StringVar(&c.Score, "score", "outcome", "score column of the gains stage: outcome or alliance")
	flag.BoolVar(&c.Sessions, "sessions", false, "also accumulate the session model's sufficient statistics (the lagged model of 'alliance sessions', its defaults) and fit it once from their sum")
	flag.Parse()
	beam.Init()
	if c.Input == "" || c.Output == "" {
		fmt.Fprintln(os.Stderr, "alliance-beam: give --input GLOB and --out FILE.json (see -help)")
		os.Exit(2)
	}
	if c.Score != "outcome" && c.Score != "alliance" {
		fmt.Fprintf(os.Stderr, "alliance-beam: --score %q: give outcome or alliance\n", c.Score)
		os.Exit(2)
	}
	p, s := beam.NewPipelineWithRoot()
	Build(s, c)
	if err := beamx.Run(context.Background(), p); err != nil {
		fmt.Fprintln(os.Stderr, "alliance-beam:", err)
		os.Exit(1)
	}
}
