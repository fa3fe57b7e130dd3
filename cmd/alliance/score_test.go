package main

import (
	"strings"
	"testing"
)

func TestScoreByHand(t *testing.T) {
	// WAI-SR (1–5): Task 1, 2, 10, 12; Bond 3, 5, 7, 9; Goal 4, 6, 8, 11.
	// Respondent a answers item i with 1 + (i mod 5); sums worked by hand.
	csv := "id,w1,w2,w3,w4,w5,w6,w7,w8,w9,w10,w11,w12\na,2,3,4,5,1,2,3,4,5,1,2,3\nb,5,5,5,5,5,5,5,5,5,5,5,NA\n"
	out, stderr, code := runCLI(t, csv, "score", "-", "--measure", "wai-sr", "--items", "w*", "--max-missing", ".25", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if lines[0] != "id,total,task,bond,goal,band,clinical,prorated" {
		t.Fatalf("header %q", lines[0])
	}
	// a: total 35; task 2+3+1+3 = 9; bond 4+1+3+5 = 13; goal 5+2+4+2 = 13.
	if !strings.HasPrefix(lines[1], "a,35,9,13,13,") {
		t.Errorf("row a: %q", lines[1])
	}
	// b: 11 answered items of 5 → total prorated 55·12/11 = 60; task (item 12
	// missing) 15·4/3 = 20.
	if !strings.HasPrefix(lines[2], "b,60,20,20,20,") || !strings.HasSuffix(lines[2], ",total task") {
		t.Errorf("row b: %q", lines[2])
	}
	// Out-of-range response names the file line and column.
	bad := "id,w1,w2,w3,w4,w5,w6,w7,w8,w9,w10,w11,w12\na,2,3,4,5,1,2,3,4,5,1,2,3\nb,5,5,5,5,9,5,5,5,5,5,5,5\n"
	if _, stderr, code := runCLI(t, bad, "score", "-", "--measure", "WAI-SR", "--items", "w*"); code != 2 || !strings.Contains(stderr, "stdin:3") || !strings.Contains(stderr, `"w5"`) {
		t.Errorf("out of range: exit %d %q", code, stderr)
	}
	if _, stderr, code := runCLI(t, csv, "score", "-", "--measure", "PHQ-9", "--items", "w*"); code != 2 || !strings.Contains(stderr, "9 items") {
		t.Errorf("wrong item count: exit %d %q", code, stderr)
	}
}
