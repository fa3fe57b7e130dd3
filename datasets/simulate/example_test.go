package simulate_test

import (
	"fmt"
	"log"
	"os"

	"github.com/alliance-research/alliance/datasets/simulate"
)

// Simulate two patients with eight sessions each and print the CSV; the
// planted truth comes from the Go API, never from the CSV.
func ExampleWriteSessionsCSV() {
	p := simulate.DefaultSessionParams()
	p.Patients, p.Therapists = 2, 1
	p.MinSessions, p.MaxSessions = 8, 8
	sum, err := simulate.WriteSessionsCSV(os.Stdout, p, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d rows, %d missing\n", sum.Rows, sum.Missing)
	// Output:
	// patient,therapist,session,alliance,outcome
	// 1,1,1,2.75,25
	// 1,1,2,2.58,22
	// 1,1,3,2.75,21
	// 1,1,4,2.67,19
	// 1,1,5,2.83,18
	// 1,1,6,3.17,18
	// 1,1,7,3.00,18
	// 1,1,8,3.25,18
	// 2,1,1,4.33,11
	// 2,1,2,4.00,8
	// 2,1,3,4.08,13
	// 2,1,4,4.00,14
	// 2,1,5,4.17,8
	// 2,1,6,4.08,11
	// 2,1,7,4.08,7
	// 2,1,8,4.25,7
	// 16 rows, 0 missing
}

// Find the patients with a planted rupture.
func ExampleSessions() {
	p := simulate.DefaultSessionParams()
	_, err := simulate.Sessions(p, func(pt *simulate.Patient) error {
		if pt.Class != simulate.NoRupture && pt.Patient <= 30 {
			fmt.Printf("patient %d: %s rupture at session %d of %d\n",
				pt.Patient, pt.Class, pt.RuptureSession, pt.Sessions)
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// patient 5: repaired rupture at session 10 of 16
	// patient 6: unrepaired rupture at session 12 of 17
	// patient 11: unrepaired rupture at session 6 of 13
	// patient 14: unrepaired rupture at session 14 of 20
	// patient 30: unrepaired rupture at session 10 of 19
}

// Simulate the first three studies of the demo meta-analytic dataset.
func ExampleWriteStudiesCSV() {
	p := simulate.DefaultStudyParams()
	p.Studies = 3
	sum, err := simulate.WriteStudiesCSV(os.Stdout, p)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d effects from %d studies\n", sum.Effects, sum.Studies)
	// Output:
	// study,es_id,ri,ni,alliance_rater,outcome_rater,treatment,year
	// Study 01 (1994),1,0.279,112,patient,patient,CBT,1994
	// Study 02 (2000),2,-0.060,43,patient,therapist,humanistic,2000
	// Study 03 (2007),3,0.248,113,patient,therapist,humanistic,2007
	// 3 effects from 3 studies
}
