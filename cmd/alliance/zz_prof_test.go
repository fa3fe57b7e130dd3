package main

import (
	"io"
	"strings"
	"testing"
)

func BenchmarkZZLmm(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if c := run([]string{"lmm", "/tmp/lmm100k.csv", "--formula", "outcome ~ session + (1 + session | patient)"}, strings.NewReader(""), io.Discard, io.Discard); c != 0 {
			b.Fatal(c)
		}
	}
}
func BenchmarkZZLmmNested(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if c := run([]string{"lmm", "/tmp/lmm100k.csv", "--formula", "outcome ~ session + (1 | therapist/patient)"}, strings.NewReader(""), io.Discard, io.Discard); c != 0 {
			b.Fatal(c)
		}
	}
}
