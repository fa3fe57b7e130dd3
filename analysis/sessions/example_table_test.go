package sessions_test

import (
	"fmt"
	"os"

	"github.com/alliance-research/alliance/analysis/sessions"
)

// twoPatients derives the columns of a four-row table: P1's alliance 3, 5
// (mean 4) and P2's 2, 4 (mean 3).
func twoPatients() *sessions.Table {
	d := sessions.Data{
		Patient:  []string{"P1", "P1", "P2", "P2"},
		Session:  []int{1, 2, 1, 2},
		Alliance: []float64{3, 5, 2, 4},
		Outcome:  []float64{20, 16, 25, 22},
	}
	tab, _, err := sessions.Derive(d, sessions.Options{})
	if err != nil {
		panic(err)
	}
	return tab
}

// The person-mean split, by hand: between = patient mean (4, 4, 3, 3),
// within = score − patient mean (−1, 1, −1, 1).
func ExampleTable_Column() {
	tab := twoPatients()
	fmt.Println(tab.Column("alliance_between"))
	fmt.Println(tab.Column("alliance_within"))
	fmt.Println(tab.Column("no_such_column") == nil)
	// Output:
	// [4 4 3 3]
	// [-1 1 -1 1]
	// true
}

// One row per input row.
func ExampleTable_Len() {
	fmt.Println(twoPatients().Len())
	// Output:
	// 4
}

// The derived columns, in Derive's documented order.
func ExampleTable_Names() {
	fmt.Println(twoPatients().Names())
	// Output:
	// [patient session alliance outcome alliance_between alliance_within alliance_lag alliance_next outcome_between outcome_within outcome_lag outcome_next]
}

// The derived table as CSV (NA for missing), e.g. to fit the same model in
// R; by hand: P1's outcome mean (20 + 16)/2 = 18, P2's 23.5, and each lag is
// the previous session's score.
func ExampleTable_WriteCSV() {
	if err := twoPatients().WriteCSV(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// patient,session,alliance,outcome,alliance_between,alliance_within,alliance_lag,alliance_next,outcome_between,outcome_within,outcome_lag,outcome_next
	// P1,1,3,20,4,-1,NA,5,18,2,NA,16
	// P1,2,5,16,4,1,3,NA,18,-2,20,NA
	// P2,1,2,25,3,-1,NA,4,23.5,1.5,NA,22
	// P2,2,4,22,3,1,2,NA,23.5,-1.5,25,NA
}
