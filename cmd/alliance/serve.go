package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/cmd/internal/flagx"
	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/plots/report"
	"github.com/alliance-research/alliance/plots/web"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func newServeCmd(e *env) *cobra.Command {
	var addr string
	var open, remote bool
	var maxMB int64
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080] [--open]",
		Short: "A local web page: upload data, choose roles and options, read the report",
		Long:  helpText("serve", "long"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runServe(ctx, e, addr, open, remote, maxMB<<20)
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	f.BoolVar(&open, "open", false, "open the page in the default browser")
	f.BoolVar(&remote, "allow-remote", false, "allow a non-loopback address (anyone who can reach it sees the page)")
	f.Int64Var(&maxMB, "max-upload", 256, "largest upload in MB")
	return cmd
}

func runServe(ctx context.Context, e *env, addr string, open, remote bool, maxUpload int64) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usagef("--addr %s: give host:port (e.g. 127.0.0.1:8080)", addr)
	}
	if !web.IsLoopback(host) && !remote {
		return usagef("--addr %s is not a loopback address: other computers could reach the page and the clinical data uploaded to it; give --allow-remote to allow it", addr)
	}
	if maxUpload <= 0 {
		return usagef("--max-upload: give a positive size in MB")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return usagef("--addr %s: %v", addr, err)
	}
	srv, err := newWebServer(e, ln.Addr().String(), remote, maxUpload)
	if err != nil {
		ln.Close()
		return err
	}
	url := "http://" + ln.Addr().String() + "/"
	if remote && !web.IsLoopback(host) {
		fmt.Fprintln(e.stderr, "alliance: warning: serving beyond this computer (--allow-remote): anyone who can reach it can upload and read data")
	}
	fmt.Fprintf(e.stderr, "listening on %s\n", url)
	if open {
		web.OpenBrowser(url)
	}
	err = web.Serve(ctx, ln, srv)
	fmt.Fprintln(e.stderr, "alliance: server stopped")
	return err
}

// newWebServer is the page over the report command: its options are the
// report's flags, and each run is the report command's own path.
func newWebServer(e *env, bound string, remote bool, maxUpload int64) (*web.Server, error) {
	opt := web.Options{Version: version, MaxUpload: maxUpload, Fields: reportFields(),
		Datasets: map[string][]web.Dataset{}, Inspect: inspectReport, Run: runWebReport, Describe: describeError}
	for _, info := range datasets.List() {
		switch info.Kind {
		case datasets.KindStudies, datasets.KindSessions:
			opt.Datasets[info.Kind] = append(opt.Datasets[info.Kind], web.Dataset{Name: info.Name, Title: info.Title})
		}
	}
	if !remote {
		opt.Hosts = web.LoopbackHosts(bound)
	}
	opt.Log = e.stderr
	return web.New(opt)
}

// webOnly are report flags the page sets itself (data) or does not offer.
var webOnly = map[string]bool{"studies": true, "sessions": true, "force": true, "help": true}

// reportFields lists the report's flags as the page's fields, with the
// choices and places the workflow gives its fields (workflow.ReportFields);
// the command line's own flags go with the data or the report.
func reportFields() []web.Field {
	cmd, _ := reportCommand(&env{})
	desc := map[string]workflow.Field{}
	for _, f := range workflow.ReportFields() {
		desc[f.Name] = f
	}
	var out []web.Field
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if webOnly[f.Name] {
			return
		}
		d, ok := desc[f.Name]
		if !ok {
			d.Group = map[bool]string{true: "data", false: "report"}[strings.HasSuffix(f.Name, "-dataset")]
		}
		def := f.DefValue
		if f.Value.Type() == "bool" {
			def = ""
		}
		out = append(out, web.Field{Name: f.Name, Usage: f.Usage, Default: def, Bool: f.Value.Type() == "bool",
			Choices: d.Choices, Multi: d.Multi, Group: d.Group})
	})
	return out
}

// reportFor is the report command with the request's fields set as flags.
func reportFor(req web.Request) (*env, *cobra.Command, *reportFlags, error) {
	e := &env{stdin: strings.NewReader(""), stdout: &strings.Builder{}, stderr: &strings.Builder{}, quiet: true, format: "text"}
	cmd, rf := reportCommand(e)
	for name, v := range req.Fields {
		if webOnly[name] || cmd.Flags().Lookup(name) == nil {
			return nil, nil, nil, usagef("%q is not an option of the report (see 'alliance report --help')", name)
		}
		if err := cmd.Flags().Set(name, v); err != nil {
			return nil, nil, nil, usagef("%s=%q: %v", name, v, err)
		}
	}
	rf.uploads = map[string][]byte{}
	if req.Studies != nil {
		rf.studies, rf.uploads["studies"] = req.Studies.Name, req.Studies.Data
	}
	if req.Sessions != nil {
		rf.sessions, rf.uploads["sessions"] = req.Sessions.Name, req.Sessions.Data
	}
	return e, cmd, rf, nil
}

func runWebReport(ctx context.Context, req web.Request, progress func(string)) ([]report.File, error) {
	e, cmd, rf, err := reportFor(req)
	if err != nil {
		return nil, err
	}
	return buildReport(ctx, e, cmd, rf, progress)
}

// inspectReport reads the request's tables as the report would and names
// the column each role resolves to (workflow.InspectReport).
func inspectReport(req web.Request) ([]web.Table, error) {
	e, cmd, rf, err := reportFor(req)
	if err != nil {
		return nil, err
	}
	ropt, ro, err := parsed(cmd)
	if err != nil {
		return nil, err
	}
	in, err := rf.inputs(e, ro)
	if err != nil {
		return nil, err
	}
	var out []web.Table
	for _, t := range workflow.InspectReport(in, ropt) {
		wt := web.Table{Role: t.Role, Name: t.Name, Rows: t.Rows, Columns: t.Columns, Multi: t.Multi, MultiLabel: t.MultiLabel, Chosen: t.Chosen, Notes: t.Notes}
		for _, r := range t.Roles {
			wt.Roles = append(wt.Roles, web.Role(r))
		}
		if t.Err != nil {
			wt.Error = withFlagHints(t.Err)
		}
		out = append(out, wt)
	}
	return out, nil
}

// describeError words an error as the command line does, and tells whether
// it is bad input.
func describeError(err error) (string, bool) {
	return strings.TrimRight(withFlagHints(err), "\n"), isUsage(err) || flagx.IsUsage(err)
}
