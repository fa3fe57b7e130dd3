package simulate_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/alliance-research/alliance/datasets/simulate"
)

// The demo-sessions parameters (see the doc of DefaultSessionParams).
func ExampleDefaultSessionParams() {
	p := simulate.DefaultSessionParams()
	fmt.Println(p.Patients, p.Therapists, p.MinSessions, p.MaxSessions, p.AllianceMean, p.WithinSD, p.WithinEffect, p.BetweenEffect)
	// Output:
	// 240 24 8 20 3.6 0.2 -2 -3
}

// The demo-studies parameters: k = 60, mean r = .28 (Flückiger et al.
// 2018: .278).
func ExampleDefaultStudyParams() {
	p := simulate.DefaultStudyParams()
	fmt.Println(p.Studies, p.MeanR, p.TauStudy, p.TauEffect, p.MedianN)
	// Output:
	// 60 0.28 0.08 0.06 70
}

// By the definitions: the drop is RuptureDropSD · WithinSD = 5 · 0.2 = 1
// alliance point, the repair gain RepairGainSD · WithinSD = 1.5 · 0.2 = 0.3.
func ExampleSessionParams_RuptureDrop() {
	p := simulate.DefaultSessionParams()
	fmt.Printf("%.4f = %.4f · %.4f\n", p.RuptureDrop(), p.RuptureDropSD, p.WithinSD)
	// Output:
	// 1.0000 = 5.0000 · 0.2000
}

func ExampleSessionParams_RepairGain() {
	p := simulate.DefaultSessionParams()
	fmt.Printf("%.4f = %.4f · %.4f\n", p.RepairGain(), p.RepairGainSD, p.WithinSD)
	// Output:
	// 0.3000 = 1.5000 · 0.2000
}

// Validate names the field, the value and the valid range.
func ExampleSessionParams_Validate() {
	p := simulate.DefaultSessionParams()
	fmt.Println(p.Validate())
	p.Therapists = p.Patients + 1
	fmt.Println(p.Validate())
	// Output:
	// <nil>
	// simulate: Therapists = 241: need 1 to Patients (240) therapists (start from DefaultSessionParams())
}

// Check names the parameters as the caller does: here as the flags of
// 'alliance simulate sessions' (ParamInfo.Flag).
func ExampleSessionParams_Check() {
	p := simulate.DefaultSessionParams()
	p.Therapists = p.Patients + 1
	flags := map[string]string{}
	for _, in := range p.Describe() {
		flags[in.Name] = "--" + in.Flag
	}
	fmt.Println(p.Check(func(field string) string { return flags[field] }))
	// Output:
	// simulate: --therapists = 241: need 1 to --patients (240) therapists
}

func ExampleStudyParams_Validate() {
	p := simulate.DefaultStudyParams()
	fmt.Println(p.Validate())
	p.MeanR = 1.2
	fmt.Println(p.Validate())
	// Output:
	// <nil>
	// simulate: MeanR = 1.2: a correlation must lie strictly between -1 and 1 (start from DefaultStudyParams())
}

// Every parameter with its unit and meaning, for help texts; the first
// three here.
func ExampleSessionParams_Describe() {
	for _, d := range simulate.DefaultSessionParams().Describe()[:3] {
		fmt.Println(strings.TrimSpace(fmt.Sprintf("%s (%s) = %s %s", d.Name, d.Flag, d.Value, d.Unit)))
	}
	// Output:
	// Seed (seed) = 2018
	// Patients (patients) = 240 patients
	// Therapists (therapists) = 24 therapists
}

func ExampleStudyParams_Describe() {
	for _, d := range simulate.DefaultStudyParams().Describe()[:3] {
		fmt.Println(strings.TrimSpace(fmt.Sprintf("%s (%s) = %s %s", d.Name, d.Flag, d.Value, d.Unit)))
	}
	// Output:
	// Seed (seed) = 278
	// Studies (studies) = 60 studies
	// MeanR (mean-r) = 0.28 correlation
}

func ExampleRuptureClass_String() {
	fmt.Println(simulate.NoRupture, simulate.Repaired, simulate.Unrepaired)
	// Output:
	// none repaired unrepaired
}

func ExampleRuptureClass_MarshalText() {
	b, _ := json.Marshal(map[string]simulate.RuptureClass{"class": simulate.Repaired})
	fmt.Println(string(b))
	// Output:
	// {"class":"repaired"}
}

// The provenance note of a simulated studies file, its first line; the
// embedded demo-studies.md is this note for the default parameters.
func ExampleStudiesNote() {
	p := simulate.DefaultStudyParams()
	sum, err := simulate.WriteStudiesCSV(io.Discard, p)
	if err != nil {
		fmt.Println(err)
		return
	}
	note := simulate.StudiesNote("demo-studies", p, sum)
	fmt.Println(strings.SplitN(note, "\n", 2)[0])
	fmt.Println(strings.Contains(note, "Seed:"))
	// Output:
	// # demo-studies — SIMULATED study-level alliance–outcome correlations
	// true
}

func ExampleSessionsNote() {
	p := simulate.DefaultSessionParams()
	p.Patients, p.Therapists = 12, 3
	var truth bytes.Buffer
	sum, err := simulate.WriteSessionsCSV(io.Discard, p, &truth)
	if err != nil {
		fmt.Println(err)
		return
	}
	note := simulate.SessionsNote("my-sessions", p, sum)
	fmt.Println(strings.SplitN(note, "\n", 2)[0])
	// Output:
	// # my-sessions — SIMULATED session-by-session alliance and symptom scores
}
