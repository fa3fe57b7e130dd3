package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/alliance-research/alliance/plots/report"
	"github.com/alliance-research/alliance/plots/web"
)

// newServer is the page over a stand-in Run that makes a one-file report;
// the command line wires the real workflow in the same three functions.
func newServer() *web.Server {
	s, err := web.New(web.Options{
		Version: "example",
		Fields:  []web.Field{{Name: "method", Group: "meta", Default: "REML", Choices: []string{"REML", "DL"}}},
		Hosts:   []string{"127.0.0.1:8080"},
		Inspect: func(req web.Request) ([]web.Table, error) {
			return []web.Table{{Role: "studies", Name: req.Studies.Name, Columns: []string{"study", "ri", "ni"}}}, nil
		},
		Run: func(ctx context.Context, req web.Request, progress func(string)) ([]report.File, error) {
			progress("meta-analysis")
			return []report.File{{Path: "index.html", Data: []byte("<html></html>")}}, nil
		},
		Describe: func(err error) (string, bool) { return err.Error(), true },
	})
	if err != nil {
		panic(err)
	}
	return s
}

// The page answers only for the Host names it was given (DNS rebinding
// protection) and sets security headers.
func ExampleServer_ServeHTTP() {
	s := newServer()
	defer s.Close()
	for _, host := range []string{"127.0.0.1:8080", "evil.example:8080"} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Host = host
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		fmt.Println(host, w.Code, w.Header().Get("X-Content-Type-Options"))
	}
	// Output:
	// 127.0.0.1:8080 200 nosniff
	// evil.example:8080 421 nosniff
}

// Every POST must carry the token; it is random per server.
func ExampleServer_Token() {
	a, b := newServer(), newServer()
	defer a.Close()
	defer b.Close()
	fmt.Println(len(a.Token()) > 16, a.Token() != b.Token())
	// Output:
	// true true
}

// The terminal command that makes the same report.
func ExampleServer_Command() {
	s := newServer()
	defer s.Close()
	req := web.Request{Studies: &web.Upload{Name: "studies.csv", Data: []byte("study,ri,ni\nA,.3,40\n")}, Fields: map[string]string{"method": "DL"}}
	fmt.Println(s.Command(req))
	// Output:
	// alliance report --studies studies.csv --method DL --out report
}

// The analysis file names the data by checksum (SHA-256 of the upload) and
// carries the options.
func ExampleServer_Analysis() {
	s := newServer()
	defer s.Close()
	req := web.Request{Studies: &web.Upload{Name: "studies.csv", Data: []byte("study,ri,ni\nA,.3,40\n")}, Fields: map[string]string{"method": "DL"}}
	a := s.Analysis(req)
	fmt.Println(a.Version, a.Options, a.Data[0].Role, a.Data[0].File, a.Data[0].Bytes, len(a.Data[0].SHA256))
	// Output:
	// example map[method:DL] studies studies.csv 20 64
}

// Close cancels running reports and drops the workspaces; the handler
// still answers afterwards.
func ExampleServer_Close() {
	s := newServer()
	s.Close()
	r := httptest.NewRequest("GET", "/", nil)
	r.Host = "127.0.0.1:8080"
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	fmt.Println(w.Code)
	// Output:
	// 200
}

func ExampleNew() {
	_, err := web.New(web.Options{})
	fmt.Println(err != nil) // Inspect, Run and Describe are required
	// Output:
	// true
}

// Serve on a loopback listener until the context ends.
func ExampleServe() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := web.New(web.Options{
		Inspect:  func(web.Request) ([]web.Table, error) { return nil, nil },
		Run:      func(context.Context, web.Request, func(string)) ([]report.File, error) { return nil, nil },
		Describe: func(err error) (string, bool) { return err.Error(), true },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- web.Serve(ctx, ln, s) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		fmt.Println(err)
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	cancel()
	select {
	case err := <-done:
		fmt.Println("stopped:", err)
	case <-time.After(10 * time.Second):
		fmt.Println("still running")
	}
	// Output:
	// 200
	// stopped: <nil>
}

// Zip packs a report's files without dates: the same report gives the
// same bytes.
func ExampleZip() {
	files := []report.File{{Path: "index.html", Data: []byte("<html></html>")}, {Path: "figures/forest.svg", Data: []byte("<svg/>")}}
	a, err := web.Zip(files)
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := web.Zip(files)
	zr, err := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range zr.File {
		fmt.Println(f.Name)
	}
	fmt.Println(bytes.Equal(a, b))
	// Output:
	// index.html
	// figures/forest.svg
	// true
}
