package main

import (
	"io"

	"github.com/alliance-research/alliance/analysis/jsonout"
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/plots/textout"

	"github.com/alliance-research/alliance/datasets"
	"github.com/spf13/cobra"
)

func newDatasetsCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "datasets",
		Short: "List, describe and export the embedded datasets",
		Long:  helpText("datasets", "long"),
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return listDatasets(e) },
	}
	complete := func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		var names []string
		for _, in := range datasets.List() {
			names = append(names, in.Name)
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List the embedded datasets",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return listDatasets(e) },
	}
	describe := &cobra.Command{
		Use:               "describe NAME",
		Short:             "Show a dataset's source note: origin, citation, licence, columns",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: complete,
		RunE: func(cmd *cobra.Command, args []string) error {
			info, err := datasets.Lookup(args[0])
			if err != nil {
				return err
			}
			note, err := datasets.Source(info.Name)
			if err != nil {
				return err
			}
			return e.emit(func(w io.Writer) error {
				if e.format == "json" {
					return jsonout.Write(w, struct {
						datasets.Info
						Source string `json:"source"`
					}{info, note})
				}
				_, err := io.WriteString(w, note)
				return err
			})
		},
	}
	export := &cobra.Command{
		Use:               "export NAME",
		Short:             "Write a dataset as CSV (to standard output or --out FILE)",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: complete,
		RunE: func(cmd *cobra.Command, args []string) error {
			if e.format != "text" && e.format != "csv" {
				return usagef("datasets export writes CSV; --format %s is not available", e.format)
			}
			r, err := datasets.Open(args[0])
			if err != nil {
				return err
			}
			return e.emitTable(func(w io.Writer) error {
				_, err := io.Copy(w, r)
				return err
			})
		},
	}
	cmd.AddCommand(list, describe, export)
	return cmd
}

func listDatasets(e *env) error {
	list, t := workflow.Datasets()
	return e.emit(func(w io.Writer) error {
		if e.format == "json" {
			return jsonout.Write(w, list)
		}
		if e.format == "text" {
			t.Notes = append(t.Notes, "Use one with --dataset NAME; 'alliance datasets describe NAME' shows its source and licence.")
		}
		return textout.Table(w, textout.Format(e.format), t)
	})
}
