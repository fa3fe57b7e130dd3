package datasets

import (
	"math"
	"strings"
	"testing"
)

func TestSessionsLong(t *testing.T) {
	text := "Therapist,ID,Session,WAI,PHQ,age,group\n" +
		"t1,p1,1,4.5,20,33,a\n" +
		"t1,p1,2,NA,18,33,a\n" +
		"t2,p2,1,3.25,,41,b\n" +
		"t1,p1,4,4.75,12,33,a\n" +
		"t2,p2,3,3.5,15,41,b\n"
	tab := mustRead(t, "long.csv", text, ReadOptions{})
	s, err := tab.Sessions(SessionColumns{Alliance: "wai", Outcome: "phq"}, SessionOptions{RequireTherapist: true, RequireAlliance: true, RequireOutcome: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Patient.Strings(), ","); got != "p1,p1,p2,p1,p2" {
		t.Errorf("patients %q", got)
	}
	if got := strings.Join(s.Therapist.Levels, ","); got != "t1,t2" {
		t.Errorf("therapists %q", got)
	}
	if !equalInts(s.Session, []int{1, 2, 1, 4, 3}) || !equalInts(s.Line, []int{2, 3, 4, 5, 6}) {
		t.Errorf("sessions %v lines %v", s.Session, s.Line)
	}
	if s.Alliance[0] != 4.5 || !math.IsNaN(s.Alliance[1]) || s.Outcome[3] != 12 || !math.IsNaN(s.Outcome[2]) {
		t.Errorf("alliance %v outcome %v", s.Alliance, s.Outcome)
	}
	if len(s.Extra) != 2 || !s.Extra[0].Numeric || s.Extra[0].Num[2] != 41 || s.Extra[1].Numeric || s.Extra[1].Text[4] != "b" {
		t.Errorf("extra %+v", s.Extra)
	}
	c := s.Columns
	if c.Patient != "ID" || c.Therapist != "Therapist" || c.Session != "Session" || c.Alliance != "WAI" || c.Outcome != "PHQ" || strings.Join(c.Extra, ",") != "age,group" {
		t.Errorf("columns %+v", c)
	}
	df := s.DataFrame()
	if df.Err != nil || strings.Join(df.Names(), ",") != "ID,Therapist,Session,WAI,PHQ,age,group" {
		t.Fatalf("frame: %v %v", df.Err, df.Names())
	}
	if v, _ := df.Col("Session").Int(); v[3] != 4 {
		t.Errorf("frame sessions %v", v)
	}
	if math.IsNaN(df.Col("WAI").Float()[0]) || !math.IsNaN(df.Col("WAI").Float()[1]) {
		t.Errorf("frame alliance %v", df.Col("WAI").Float())
	}

	// Only the named extra columns, and no therapist.
	s, err = mustRead(t, "l.csv", "patient,session,x,y\n1,0,5,a\n", ReadOptions{}).Sessions(SessionColumns{Extra: []string{"Y"}}, SessionOptions{})
	if err != nil || len(s.Extra) != 1 || s.Extra[0].Name != "y" || s.Therapist.Codes != nil || s.Alliance != nil {
		t.Errorf("%v %+v", err, s)
	}
}

func TestSessionsBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		cols       SessionColumns
		opt        SessionOptions
		want       []string
	}{
		{"dup.csv", "patient,session,outcome\n1,1,10\n1,2,9\n1,2,8\n2,1,7\n", SessionColumns{}, SessionOptions{}, []string{
			`dup.csv:4: column "session": patient "1" has session 2 twice (lines 3 and 4); each (patient, session) must be unique`}},
		{"order.csv", "patient,session,outcome\n1,1,10\n1,3,9\n2,1,7\n1,2,8\n", SessionColumns{}, SessionOptions{}, []string{
			`order.csv:5: column "session": patient "1": session 2 comes after session 3 (line 3); sessions must increase within a patient — sort the rows by patient and session`}},
		{"order-dup.csv", "patient,session\n1,1\n1,2\n1,1\n", SessionColumns{}, SessionOptions{}, []string{
			`order-dup.csv:4: column "session": patient "1": session 1 comes after session 2 (line 3); sessions must increase within a patient — sort the rows by patient and session`,
			`order-dup.csv:4: column "session": patient "1" has session 1 twice (lines 2 and 4); each (patient, session) must be unique`}},
		{"whole.csv", "patient,session\n1,1.5\n1,x\n1,\n,3\n", SessionColumns{}, SessionOptions{}, []string{
			`whole.csv:2: column "session": "1.5" is not a whole number: sessions are numbered 0, 1, 2, ...`,
			`whole.csv:3: column "session": "x" is not a number`,
			`whole.csv:4: column "session": missing value; every row needs a session number (fill it in or remove the row)`,
			`whole.csv:5: column "patient": missing value; every row needs a patient id (fill it in or remove the row)`}},
		{"values2.csv", "patient,session,alliance,outcome\n1,1,high,3\n1,2,4,\"0,5\"\n", SessionColumns{}, SessionOptions{}, []string{
			`values2.csv:2: column "alliance": "high" is not a number`,
			`values2.csv:3: column "outcome": "0,5" is not a number (decimal comma? set the decimal separator to ',')`}},
		{"nosession.csv", "patient,week,outcome\n1,1,2\n", SessionColumns{}, SessionOptions{}, []string{
			`nosession.csv: no session column (session); columns are: patient, week, outcome (name it in SessionColumns.Session, or describe a wide layout (one row per patient) in SessionOptions.Wide)`}},
		{"nopatient.csv", "client,session\n1,1\n", SessionColumns{}, SessionOptions{}, []string{
			`nopatient.csv: no patient id column (patient, id); columns are: client, session (name it in SessionColumns.Patient)`}},
		{"require.csv", "patient,session\n1,1\n", SessionColumns{}, SessionOptions{RequireTherapist: true, RequireAlliance: true, RequireOutcome: true}, []string{
			`require.csv: no therapist column (therapist); columns are: patient, session (name it in SessionColumns.Therapist)`,
			`require.csv: no alliance column (alliance); columns are: patient, session (name it in SessionColumns.Alliance)`,
			`require.csv: no outcome column (outcome); columns are: patient, session (name it in SessionColumns.Outcome)`}},
		{"named.csv", "patient,session\n1,1\n", SessionColumns{Outcome: "phq", Extra: []string{"age"}}, SessionOptions{}, []string{
			`named.csv: column "phq" not found; columns are: patient, session (name an existing column in SessionColumns.Outcome)`,
			`named.csv: column "age" not found; columns are: patient, session (name an existing column in SessionColumns.Extra)`}},
		{"therapist.csv", "patient,therapist,session\n1,NA,1\n", SessionColumns{}, SessionOptions{}, []string{
			`therapist.csv:2: column "therapist": "NA" is a missing-value code; every row needs a therapist id (fill it in or remove the row)`}},
		{"wide-dup.csv", "id,bdi_s1,bdi_s2\n1,20,18\n2,30,25\n1,19,17\n", SessionColumns{}, SessionOptions{Wide: WideSpec{Prefix: "bdi_s"}}, []string{
			`wide-dup.csv:4: column "id": patient "1" has two rows (lines 2 and 4); a wide table has one row per patient`}},
		{"wide-none.csv", "id,phq1,phq2\n1,20,18\n", SessionColumns{}, SessionOptions{Wide: WideSpec{Prefix: "bdi_s"}}, []string{
			`wide-none.csv: no column is named "bdi_s" followed by a session number (e.g. bdi_s1); columns are: id, phq1, phq2`}},
		{"wide-list.csv", "id,pre,post,wk2,WK02\n1,20,18,3,4\n", SessionColumns{}, SessionOptions{Wide: WideSpec{Columns: []string{"pre", "wk2", "wk02", "week9"}}}, []string{
			`wide-list.csv: column "pre": named in WideSpec.Columns does not end in a session number (e.g. bdi_s3)`,
			`wide-list.csv: column "week9" not found; columns are: id, pre, post, wk2, WK02 (name an existing column in WideSpec.Columns)`,
			`wide-list.csv: wide columns "wk2" and "WK02" both hold session 2`}},
	} {
		tab := mustRead(t, tc.name, tc.text, ReadOptions{Delimiter: ','})
		_, err := tab.Sessions(tc.cols, tc.opt)
		ie, msg := inputProblems(t, err)
		if msg != strings.Join(tc.want, "\n") {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", tc.name, msg, strings.Join(tc.want, "\n"))
		}
		if ie.Total != len(tc.want) {
			t.Errorf("%s: total %d, want %d", tc.name, ie.Total, len(tc.want))
		}
	}
}

func TestSessionsWide(t *testing.T) {
	text := "id,group,bdi_s2,BDI_S0,bdi_s1,bdi_fu1,rq_s0\n" +
		"a,x,10,30,NA,5,1\n" +
		"b,y,12,25,20,6,2\n"
	tab := mustRead(t, "wide.csv", text, ReadOptions{})
	s, err := tab.Sessions(SessionColumns{Extra: []string{"group"}}, SessionOptions{Wide: WideSpec{Prefix: "bdi_s"}})
	if err != nil {
		t.Fatal(err)
	}
	// Sessions sorted by number, whatever the column order.
	if !equalInts(s.Session, []int{0, 1, 2, 0, 1, 2}) || !equalInts(s.Line, []int{2, 2, 2, 3, 3, 3}) {
		t.Errorf("sessions %v lines %v", s.Session, s.Line)
	}
	want := []float64{30, math.NaN(), 10, 25, 20, 12}
	for i, w := range want {
		if g := s.Outcome[i]; g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
			t.Errorf("outcome[%d] = %v, want %v", i, g, w)
		}
	}
	if got := strings.Join(s.Patient.Strings(), ""); got != "aaabbb" || s.Columns.Outcome != "bdi" || s.Alliance != nil {
		t.Errorf("patients %q outcome name %q", got, s.Columns.Outcome)
	}
	if len(s.Extra) != 1 || strings.Join(s.Extra[0].Text, "") != "xxxyyy" {
		t.Errorf("extra %+v", s.Extra)
	}
	// An explicit list into the alliance role.
	s, err = tab.Sessions(SessionColumns{}, SessionOptions{Wide: WideSpec{Columns: []string{"bdi_s2", "bdi_fu1"}, Into: "alliance"}})
	if err != nil {
		t.Fatal(err)
	}
	if !equalInts(s.Session, []int{1, 2, 1, 2}) || s.Alliance[0] != 5 || s.Alliance[3] != 12 || s.Outcome != nil || s.Columns.Alliance != "alliance" {
		t.Errorf("sessions %v alliance %v outcome %v", s.Session, s.Alliance, s.Outcome)
	}
	// Two columns for the same session number are an error.
	_, err = tab.Sessions(SessionColumns{}, SessionOptions{Wide: WideSpec{Columns: []string{"bdi_s1", "bdi_fu1"}}})
	if _, msg := inputProblems(t, err); msg != `wide.csv: wide columns "bdi_s1" and "bdi_fu1" both hold session 1` {
		t.Errorf("got %q", msg)
	}
}
