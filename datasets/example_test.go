package datasets_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/alliance-research/alliance/datasets"
)

// A European spreadsheet export: semicolons and decimal commas are detected.
func Example() {
	csv := "Study;RI;NI;rater\n" +
		"Horvath 1989;0,32;29;client\n" +
		"\"Safran; Wallner 1991\";0,41;22;NA\n"
	tab, err := datasets.Read("studies.csv", strings.NewReader(csv), datasets.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := tab.Studies(datasets.StudyColumns{Mods: []string{"rater"}}, datasets.StudyOptions{FisherZ: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range s.K() {
		fmt.Printf("line %d: %-20s r = %.2f  n = %.0f  rater = %q\n", s.Line[i], s.Label[i], s.R[i], s.N[i], s.Mods[0].Text[i])
	}
	// Output:
	// line 2: Horvath 1989         r = 0.32  n = 29  rater = "client"
	// line 3: Safran; Wallner 1991 r = 0.41  n = 22  rater = ""
}

// Bad input is reported all at once, with file, line, column and value.
func ExampleInputError() {
	csv := "study,ri,ni\nA,0.3,40\nB,\"0,35\",25\nC,1.2,3\n"
	tab, err := datasets.Read("studies.csv", strings.NewReader(csv), datasets.ReadOptions{})
	if err == nil {
		_, err = tab.Studies(datasets.StudyColumns{}, datasets.StudyOptions{FisherZ: true})
	}
	var ie *datasets.InputError
	if errors.As(err, &ie) {
		fmt.Println(ie.Total, "problems:")
		fmt.Println(err)
	}
	// Output:
	// 3 problems:
	// studies.csv:3: column "ri": "0,35" is not a number (decimal comma? set the decimal separator to ',')
	// studies.csv:4: column "ri": "1.2" is outside (-1, 1): a correlation must lie strictly between -1 and 1
	// studies.csv:4: column "ni": "3" is too small: Fisher z needs n > 3 (its variance is 1/(n - 3)); remove the study or use raw correlations
}

// The embedded example datasets, with a wide table turned into long format.
func ExampleEmbeddedSessions() {
	info, _ := datasets.Lookup("sgdata")
	fmt.Println(info.Name, info.Kind, info.Rows, "rows,", info.Licence)
	s, err := datasets.EmbeddedSessions("sgdata")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d rows: patient %s, session %d, %s = %v\n", s.Len(), s.Patient.Value(4), s.Session[4], s.Columns.Outcome, s.Outcome[4])
	// Output:
	// sgdata sessions-wide 43 rows, MIT
	// 559 rows: patient 1, session 4, bdi = 23
}
