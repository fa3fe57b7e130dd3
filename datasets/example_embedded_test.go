package datasets_test

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/alliance-research/alliance/datasets"
)

// The embedded datasets, simulated ones first.
func ExampleList() {
	for _, d := range datasets.List() {
		fmt.Printf("%s (%s, %d rows, simulated %v)\n", d.Name, d.Kind, d.Rows, d.Simulated)
	}
	// Output:
	// demo-sessions (sessions, 3316 rows, simulated true)
	// demo-studies (studies, 83 rows, simulated true)
	// molloy2014 (studies, 16 rows, simulated false)
	// mcdaniel1994 (studies, 160 rows, simulated false)
	// cohen1981 (studies, 20 rows, simulated false)
	// kacker2004 (studies, 9 rows, simulated false)
	// sgdata (sessions-wide, 43 rows, simulated false)
	// jacobson1989 (prepost, 60 rows, simulated false)
	// claus2020 (waves, 172 rows, simulated false)
}

func ExampleLookup() {
	d, err := datasets.Lookup("molloy2014")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Name, d.Kind, d.Rows, d.Licence)
	_, err = datasets.Lookup("nope")
	fmt.Println(err != nil)
	// Output:
	// molloy2014 studies 16 GPL (>= 2)
	// true
}

// The raw CSV text: its header line.
func ExampleOpen() {
	r, err := datasets.Open("demo-studies")
	if err != nil {
		fmt.Println(err)
		return
	}
	sc := bufio.NewScanner(r)
	sc.Scan()
	fmt.Println(sc.Text())
	// Output:
	// study,es_id,ri,ni,alliance_rater,outcome_rater,treatment,year
}

// The provenance note, starting with its title.
func ExampleSource() {
	s, err := datasets.Source("demo-studies")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.SplitN(s, "\n", 2)[0])
	// Output:
	// # demo-studies — SIMULATED study-level alliance–outcome correlations
}

func ExampleReadEmbedded() {
	t, err := datasets.ReadEmbedded("molloy2014", datasets.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.NumRows(), t.Header[:4])
	// Output:
	// 16 [authors year ni ri]
}

// The 16 correlations of dat.molloy2014 with their roles already named
// (metadat: r = .187 from n = 109 first).
func ExampleEmbeddedStudies() {
	s, err := datasets.EmbeddedStudies("molloy2014", datasets.StudyOptions{FisherZ: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.K(), s.Label[0], s.R[0], s.N[0])
	// Output:
	// 16 Axelsson et al. 0.187 109
}

func ExampleStudies_K() {
	s, err := datasets.EmbeddedStudies("demo-studies", datasets.StudyOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.K())
	// Output:
	// 83
}

// sgdata (suddengains' example) is wide: 43 patients × 13 BDI sessions
// (0–12) give 559 long rows.
func ExampleSessions_Len() {
	s, err := datasets.EmbeddedSessions("sgdata")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Len(), len(s.Patient.Levels))
	// Output:
	// 559 43
}

// Patient ids as codes into their levels, in order of first appearance.
func ExampleFactor_Value() {
	s, err := readSessions().Sessions(datasets.SessionColumns{}, datasets.SessionOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Patient.Codes, s.Patient.Levels, s.Patient.Value(3))
	// Output:
	// [0 0 0 1 1] [P1 P2] P2
}

// One code per row (not per level).
func ExampleFactor_Len() {
	s, err := readSessions().Sessions(datasets.SessionColumns{}, datasets.SessionOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Patient.Len())
	// Output:
	// 5
}

func ExampleFactor_Strings() {
	s, err := readSessions().Sessions(datasets.SessionColumns{}, datasets.SessionOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Therapist.Strings())
	// Output:
	// [T1 T1 T1 T2 T2]
}

// A moderator column: text, with a missing value.
func studyVar() datasets.Var {
	t, err := datasets.ReadBytes("studies.csv", []byte("ri,ni,rater\n0.31,40,client\n0.22,85,NA\n0.28,60,observer\n0.35,52,client\n"), datasets.ReadOptions{})
	if err != nil {
		panic(err)
	}
	s, err := t.Studies(datasets.StudyColumns{Mods: []string{"rater"}}, datasets.StudyOptions{})
	if err != nil {
		panic(err)
	}
	return s.Mods[0]
}

func ExampleVar_Len() {
	v := studyVar()
	fmt.Println(v.Len())
	// Output:
	// 4
}

func ExampleVar_Missing() {
	v := studyVar()
	fmt.Println(v.Missing(0), v.Missing(1))
	// Output:
	// false true
}

// The distinct non-missing values, sorted as R's factor() sorts them.
func ExampleVar_Levels() {
	v := studyVar()
	fmt.Println(v.Levels())
	// Output:
	// [client observer]
}
