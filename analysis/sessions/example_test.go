package sessions_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/sessions"
)

// Two therapists with two patients each; P1 skips session 3, P4 comes once.
// Patient means of the alliance are 4, 3, 4 and 3, so both therapist means
// are 3.5; a lag exists only where the previous session is exactly s − 1.
func ExampleDerive() {
	d := sessions.Data{
		Patient:   []string{"P1", "P1", "P1", "P2", "P2", "P2", "P3", "P3", "P3", "P4"},
		Therapist: []string{"A", "A", "A", "A", "A", "A", "B", "B", "B", "B"},
		Session:   []int{1, 2, 4, 1, 2, 3, 1, 2, 3, 1},
		Alliance:  []float64{3, 4, 5, 2, 2, 5, 4, 4, 4, 3},
		Outcome:   []float64{20, 18, 15, 25, 24, 20, 10, 12, 11, 16},
	}
	tab, sum, err := sessions.Derive(d, sessions.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d patients, %d therapists, %d with one session, %d rows with a next session\n",
		sum.Patients, sum.Therapists, sum.OneSession, sum.WithNext)
	fmt.Println("patient session between within therapist patient lag next_outcome")
	for i := 0; i < 4; i++ {
		fmt.Printf("%-7s %7d %7g %6g %9g %7g %3g %12g\n", tab.Patient[i], tab.Session[i],
			tab.Column("alliance_between")[i], tab.Column("alliance_within")[i],
			tab.Column("alliance_therapist")[i], tab.Column("alliance_patient")[i],
			tab.Column("alliance_lag")[i], tab.Column("outcome_next")[i])
	}
	f, _ := sessions.Formula(d, sessions.Options{})
	fmt.Println(f)
	// Output:
	// 4 patients, 2 therapists, 1 with one session, 5 rows with a next session
	// patient session between within therapist patient lag next_outcome
	// P1            1       4     -1       3.5     0.5 NaN           18
	// P1            2       4      0       3.5     0.5   3          NaN
	// P1            4       4      1       3.5     0.5 NaN          NaN
	// P2            1       3     -1       3.5    -0.5 NaN           24
	// outcome_next ~ alliance_within + alliance_patient + alliance_therapist + outcome + session + (1 | therapist/patient)
}

// The formulas of the four designs for patients without therapists.
func ExampleFormula() {
	d := sessions.Data{
		Patient:  []string{"a", "a", "b", "b"},
		Session:  []int{1, 2, 1, 2},
		Alliance: []float64{3, 4, 4, 5},
		Outcome:  []float64{10, 8, 7, 5},
	}
	for _, o := range []sessions.Options{
		{Model: sessions.Lagged},
		{Model: sessions.Reverse, Detrend: true},
		{Model: sessions.Concurrent, RandomSlope: true},
		{Model: sessions.Growth},
	} {
		f, err := sessions.Formula(d, o)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(f)
	}
	// Output:
	// outcome_next ~ alliance_within + alliance_between + outcome + session + (1 | patient)
	// alliance_next ~ outcome_within + outcome_between + alliance + session + (1 | patient)
	// outcome ~ alliance_within + alliance_between + session + (1 + session | patient)
	// outcome ~ session + (1 | patient)
}
