package main

import (
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/spf13/cobra"
)

// TestBindOptionsFaultyTable: a table field the options cannot take makes
// the command refuse to run with the table's error, and a good table
// leaves it running.
func TestBindOptionsFaultyTable(t *testing.T) {
	var o workflow.MetaOptions
	ran := false
	cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { ran = true; return nil }}
	bindOptions(cmd, &o, []workflow.Field{{Name: "bad", Option: "NoSuchOption", Usage: "u"}})
	cmd.SetArgs(nil)
	err := cmd.Execute()
	if err == nil || ran || !strings.Contains(err.Error(), "NoSuchOption") {
		t.Fatalf("faulty table: ran %v, err %v", ran, err)
	}
	good := &cobra.Command{Use: "y", RunE: func(*cobra.Command, []string) error { ran = true; return nil }}
	bindOptions(good, &o, workflow.MetaFields())
	good.SetArgs([]string{"--method", "DL"})
	if err := good.Execute(); err != nil || !ran || o.Method != "DL" {
		t.Fatalf("good table: ran %v, method %q, err %v", ran, o.Method, err)
	}
}
