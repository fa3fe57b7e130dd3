package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/alliance-research/alliance/plots/report"
)

// Upload is one uploaded file, kept in memory.
type Upload struct {
	Name string // the file's name as uploaded (base name only)
	Data []byte
}

// Request is one report request: the uploaded tables (either may be nil)
// and the report's options as field name → value, the names being the
// command line's flag names (e.g. "method": "DL", "alliance": "wai",
// "studies-dataset": "demo-studies"). Only options given are present.
type Request struct {
	Studies, Sessions *Upload
	Fields            map[string]string
}

// Field is one option of the report, as the command line names it.
type Field struct {
	Name    string   // flag name, e.g. "method"
	Usage   string   // one-line help, shown beside the input
	Default string   // the default value ("" for none)
	Bool    bool     // a switch: "true" or absent
	Choices []string // the values allowed, when they are a fixed list
	Multi   bool     // Choices may be combined (comma-separated)
	Group   string   // "read", "meta", "sessions" or "report": where the page shows it
}

// Role is one column role of a table: the field that names it and the
// column the analysis would use (empty when none was found).
type Role struct {
	Field  string // the option naming the column, e.g. "r"
	Label  string // what the role is, e.g. "correlation"
	Column string // the column used
	// Default says what is used when no column is named and none was
	// found by name (e.g. "the study label when it repeats").
	Default string
}

// Table describes one table as the analyses would read it.
type Table struct {
	Role    string // "studies" or "sessions"
	Name    string // file or dataset name
	Rows    int
	Columns []string
	Roles   []Role
	// Multi is the field that takes several columns (e.g. "mods"), with the
	// columns chosen.
	Multi      string
	MultiLabel string
	Chosen     []string
	Notes      []string // how the file was read (e.g. a decoded encoding)
	Error      string   // why the table cannot be analysed as it stands
}

// Options configure the page. Inspect, Run and Describe are required.
type Options struct {
	// Version is the program version, written into analysis files.
	Version string
	// Fields are the report's options (the command line's flags).
	Fields []Field
	// Datasets are the embedded datasets offered, by kind ("studies",
	// "sessions").
	Datasets map[string][]Dataset
	// Inspect reads the request's tables and resolves their column roles.
	Inspect func(Request) ([]Table, error)
	// Run makes the report's files; it calls progress with each stage and
	// stops early when ctx is cancelled.
	Run func(ctx context.Context, req Request, progress func(stage string)) ([]report.File, error)
	// Describe words an error for the user, and tells whether it is bad
	// input (HTTP 4xx) rather than a failed analysis (5xx).
	Describe func(error) (msg string, input bool)
	// MaxUpload bounds a request's body in bytes (default 256 MB).
	MaxUpload int64
	// MaxWorkspaces bounds the workspaces kept in memory (default 16).
	MaxWorkspaces int
	// Hosts are the Host header values accepted (e.g. "127.0.0.1:8080",
	// "localhost:8080"); empty accepts any (only with --allow-remote).
	Hosts []string
	// Log receives one line per failed request (default: discarded).
	Log io.Writer
}

// IsLoopback reports whether host (a name or an address, without a port)
// is this computer only: "localhost" or a loopback address. A page served
// elsewhere shows clinical data to anyone who can reach it.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// LoopbackHosts are the Host header values of a page bound to the loopback
// address bound (host:port): the address itself and localhost, 127.0.0.1
// and [::1] with its port (Options.Hosts; any other Host is a DNS
// rebinding attempt).
func LoopbackHosts(bound string) []string {
	_, port, _ := net.SplitHostPort(bound)
	return []string{bound, "localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port}
}

// Dataset is an embedded dataset offered on the page.
type Dataset struct{ Name, Title string }

// DefaultMaxUpload is the default bound of a request body.
const DefaultMaxUpload = 256 << 20

// Server is the page's HTTP handler.
type Server struct {
	opt   Options
	token string
	mux   *http.ServeMux
	ws    *store
	log   *log.Logger
	hosts map[string]bool
}

// New returns the page's handler.
func New(opt Options) (*Server, error) {
	if opt.Inspect == nil || opt.Run == nil || opt.Describe == nil {
		return nil, errors.New("web: Options.Inspect, Run and Describe are required")
	}
	if opt.MaxUpload <= 0 {
		opt.MaxUpload = DefaultMaxUpload
	}
	if opt.MaxWorkspaces <= 0 {
		opt.MaxWorkspaces = 16
	}
	if opt.Log == nil {
		opt.Log = io.Discard
	}
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("web: no random token: %w", err)
	}
	s := &Server{opt: opt, token: hex.EncodeToString(b), mux: http.NewServeMux(), ws: newStore(opt.MaxWorkspaces),
		log: log.New(opt.Log, "alliance serve: ", log.LstdFlags), hosts: map[string]bool{}}
	for _, h := range opt.Hosts {
		s.hosts[strings.ToLower(h)] = true
	}
	s.routes()
	return s, nil
}

// Token is the CSRF token every POST must carry.
func (s *Server) Token() string { return s.token }

// Close cancels every running report and drops every workspace.
func (s *Server) Close() { s.ws.closeAll() }

func (s *Server) routes() {
	s.mux.HandleFunc("GET /{$}", s.home)
	s.mux.HandleFunc("POST /new", s.post(s.newWorkspace))
	s.mux.HandleFunc("GET /w/{id}", s.workspace)
	s.mux.HandleFunc("POST /w/{id}/run", s.post(s.run))
	s.mux.HandleFunc("POST /w/{id}/cancel", s.post(s.cancel))
	s.mux.HandleFunc("GET /w/{id}/report.zip", s.download(zipDownload))
	s.mux.HandleFunc("GET /w/{id}/results.json", s.download(resultsDownload))
	s.mux.HandleFunc("GET /w/{id}/command.txt", s.download(commandDownload))
	s.mux.HandleFunc("GET /w/{id}/analysis.json", s.analysisFile)
	s.mux.HandleFunc("GET /w/{id}/report/{path...}", s.reportFile)
	s.mux.HandleFunc("GET /api/token", s.apiToken)
	s.mux.HandleFunc("POST /api/report", s.post(s.apiReport))
}

// Page CSP: the page itself, its own report frames, inline styles; no
// script at all, no request to any other origin.
const (
	pageCSP   = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	reportCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; font-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)

// ServeHTTP checks the Host header, sets the security headers and recovers
// a panic into a 500 answer.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			s.log.Printf("%s %s: internal error: %v", r.Method, r.URL.Path, v)
			s.fail(w, r, http.StatusInternalServerError, "internal error: the request failed; the server goes on (please report this)")
		}
	}()
	h := w.Header()
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	if len(s.hosts) > 0 && !s.hosts[strings.ToLower(r.Host)] {
		s.fail(w, r, http.StatusMisdirectedRequest, fmt.Sprintf("host %q is not served here: open the address 'alliance serve' printed", trim(r.Host, 80)))
		return
	}
	s.mux.ServeHTTP(w, r)
}

// post wraps a state-changing handler: bounded body, same-origin Origin,
// and the CSRF token.
func (s *Server) post(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" && o != "null" {
			u, err := url.Parse(o)
			if err != nil || !strings.EqualFold(u.Host, r.Host) {
				s.fail(w, r, http.StatusForbidden, "a request from another site is refused")
				return
			}
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.opt.MaxUpload)
		if err := r.ParseMultipartForm(32 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			var mb *http.MaxBytesError
			if errors.As(err, &mb) {
				s.fail(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("the upload is larger than the limit of %s: start the server with a larger --max-upload, or upload a smaller file", sizeText(s.opt.MaxUpload)))
				return
			}
			s.fail(w, r, http.StatusBadRequest, "the upload could not be read: "+trim(err.Error(), 200))
			return
		} else if errors.Is(err, http.ErrNotMultipart) {
			if err := r.ParseForm(); err != nil {
				s.fail(w, r, http.StatusBadRequest, "the form could not be read: "+trim(err.Error(), 200))
				return
			}
		}
		tok := r.Header.Get("X-Alliance-Token")
		if tok == "" {
			tok = r.PostFormValue("csrf")
		}
		if tok != s.token {
			s.fail(w, r, http.StatusForbidden, "the form's security token is missing or out of date: reload the page and try again")
			return
		}
		h(w, r)
	}
}

// fail answers an error: JSON for the API, a page otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if status >= 500 {
		s.log.Printf("%s %s: %d %s", r.Method, r.URL.Path, status, msg)
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeJSON(w, status, map[string]string{"error": msg})
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = pages().ExecuteTemplate(w, "error", errorView{Status: status, Text: http.StatusText(status), Msg: msg})
}

// Serve serves h on ln until ctx is done, then shuts down gracefully
// (running requests get up to 5 seconds).
func Serve(ctx context.Context, ln net.Listener, h *Server) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10e9, MaxHeaderBytes: 1 << 16}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		h.Close()
		return err
	case <-ctx.Done():
	}
	h.Close()
	sctx, cancel := context.WithTimeout(context.Background(), 5e9)
	defer cancel()
	err := srv.Shutdown(sctx)
	if e := <-done; e != nil && !errors.Is(e, http.ErrServerClosed) {
		return e
	}
	return err
}

// sizeText is a byte count in words.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// trim bounds a message from outside.
func trim(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}
