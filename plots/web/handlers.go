package web

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path"
	"sort"
	"strings"

	"github.com/alliance-research/alliance/plots/report"
)

// Data roles: the upload fields and the embedded-dataset fields.
var dataRoles = []struct{ role, dataset string }{{"studies", "studies-dataset"}, {"sessions", "sessions-dataset"}}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	v := homeView{Token: s.token, Max: sizeText(s.opt.MaxUpload), Studies: s.opt.Datasets["studies"], Sessions: s.opt.Datasets["sessions"]}
	for _, f := range s.opt.Fields {
		if f.Group == "read" {
			v.Read = append(v.Read, fieldView{Field: f})
		}
	}
	render(w, "home", v)
}

// newWorkspace takes the uploads (or embedded datasets, or an analysis file
// with its data), inspects them and opens their workspace.
func (s *Server) newWorkspace(w http.ResponseWriter, r *http.Request) {
	req, err := s.request(r)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err.Error())
		return
	}
	if a, ok, ferr := formFile(r, "analysis"); ferr != nil {
		s.fail(w, r, http.StatusBadRequest, ferr.Error())
		return
	} else if ok {
		if req, err = s.restore(a, req); err != nil {
			s.fail(w, r, http.StatusBadRequest, err.Error())
			return
		}
	}
	if req.Studies == nil && req.Sessions == nil && req.Fields["studies-dataset"] == "" && req.Fields["sessions-dataset"] == "" {
		s.fail(w, r, http.StatusBadRequest, "no data: choose a study-level or a session-level file (CSV, TSV or XLSX), or an embedded dataset")
		return
	}
	ws, err := s.ws.add(req)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, "cannot open a workspace: "+err.Error())
		return
	}
	s.inspect(ws, req)
	http.Redirect(w, r, "/w/"+ws.id, http.StatusSeeOther)
}

// inspect resolves the column roles of req's tables into ws.
func (s *Server) inspect(ws *workspace, req Request) {
	tables, err := s.opt.Inspect(req)
	msg := ""
	if err != nil {
		msg, _ = s.describe(err)
	}
	ws.mu.Lock()
	ws.tables, ws.inspect = tables, msg
	ws.mu.Unlock()
}

// request reads the uploads and option fields of a form.
func (s *Server) request(r *http.Request) (Request, error) {
	req := Request{Fields: map[string]string{}}
	for _, d := range dataRoles {
		u, ok, err := formFile(r, d.role)
		if err != nil {
			return req, err
		}
		if ok {
			if d.role == "studies" {
				req.Studies = u
			} else {
				req.Sessions = u
			}
		}
	}
	known := map[string]bool{"csrf": true, "analysis": true, "studies": true, "sessions": true}
	for _, f := range s.opt.Fields {
		known[f.Name] = true
		var vals []string
		for _, v := range r.PostForm[f.Name] {
			if v = strings.TrimSpace(v); v != "" {
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			continue
		}
		if f.Bool {
			switch strings.ToLower(vals[len(vals)-1]) {
			case "true", "on", "1", "yes":
				req.Fields[f.Name] = "true"
			case "false", "off", "0", "no":
			default:
				return req, fmt.Errorf("%s=%q: give true or false", f.Name, trim(vals[0], 40))
			}
			continue
		}
		req.Fields[f.Name] = strings.Join(vals, ",")
	}
	for name := range r.PostForm {
		if !known[name] {
			return req, fmt.Errorf("%q is not an option of the report; the options are the flags of 'alliance report' (see 'alliance report --help')", trim(name, 60))
		}
	}
	if r.MultipartForm != nil {
		for name := range r.MultipartForm.File {
			if !known[name] {
				return req, fmt.Errorf("file field %q is not known: send the data as studies and/or sessions", trim(name, 60))
			}
		}
	}
	for _, d := range dataRoles {
		if (d.role == "studies" && req.Studies != nil || d.role == "sessions" && req.Sessions != nil) && req.Fields[d.dataset] != "" {
			return req, fmt.Errorf("%s: give a file or an embedded dataset, not both", d.role)
		}
	}
	return req, nil
}

// formFile returns the uploaded file of a field (ok false when none).
func formFile(r *http.Request, name string) (*Upload, bool, error) {
	if r.MultipartForm == nil || len(r.MultipartForm.File[name]) == 0 {
		return nil, false, nil
	}
	fh := r.MultipartForm.File[name][0]
	if fh.Filename == "" && fh.Size == 0 {
		return nil, false, nil // an empty file input
	}
	data, err := readPart(fh)
	if err != nil {
		return nil, false, fmt.Errorf("%s: the upload could not be read: %v", name, err)
	}
	base := path.Base(strings.ReplaceAll(fh.Filename, `\`, "/"))
	if base == "." || base == "/" || base == "" {
		base = name + ".csv"
	}
	return &Upload{Name: base, Data: data}, true, nil
}

func readPart(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

func (s *Server) lookup(w http.ResponseWriter, r *http.Request) *workspace {
	ws := s.ws.get(r.PathValue("id"))
	if ws == nil {
		s.fail(w, r, http.StatusNotFound, "this workspace no longer exists (the server was restarted, or it was the oldest of too many): upload the data again")
	}
	return ws
}

func (s *Server) workspace(w http.ResponseWriter, r *http.Request) {
	ws := s.lookup(w, r)
	if ws == nil {
		return
	}
	render(w, "workspace", s.workspaceView(ws.snapshot()))
}

// run stores the form's options and starts the report.
func (s *Server) run(w http.ResponseWriter, r *http.Request) {
	ws := s.lookup(w, r)
	if ws == nil {
		return
	}
	form, err := s.request(r)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err.Error())
		return
	}
	snap := ws.snapshot()
	req := Request{Studies: snap.Req.Studies, Sessions: snap.Req.Sessions, Fields: form.Fields}
	for _, d := range dataRoles { // the data stay those of the workspace
		delete(req.Fields, d.dataset)
		if v := snap.Req.Fields[d.dataset]; v != "" {
			req.Fields[d.dataset] = v
		}
	}
	if s.rolesChanged(snap, req) {
		s.inspect(ws, req) // the roles shown follow what the run uses
	}
	s.start(ws, req)
	http.Redirect(w, r, "/w/"+ws.id+"#report", http.StatusSeeOther)
}

// rolesChanged reports whether req reads the data or resolves its roles
// differently from the inspection shown (so that a run does not parse a
// large upload twice for nothing).
func (s *Server) rolesChanged(snap snapshot, req Request) bool {
	names := map[string]bool{}
	for _, f := range s.opt.Fields {
		if f.Group == "read" {
			names[f.Name] = true
		}
	}
	for _, t := range snap.Tables {
		for _, r := range t.Roles {
			names[r.Field] = true
		}
		if t.Multi != "" {
			names[t.Multi] = true
		}
	}
	for n := range names {
		if snap.Req.Fields[n] != req.Fields[n] {
			return true
		}
	}
	return snap.Inspect != "" // inspection failed: try again
}

func (s *Server) cancel(w http.ResponseWriter, r *http.Request) {
	ws := s.lookup(w, r)
	if ws == nil {
		return
	}
	ws.mu.Lock()
	if ws.cancel != nil {
		ws.cancel()
	}
	ws.mu.Unlock()
	http.Redirect(w, r, "/w/"+ws.id+"#report", http.StatusSeeOther)
}

type downloadFunc func(s *Server, snap snapshot) (name, ctype string, data []byte, err error)

func (s *Server) download(f downloadFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ws := s.lookup(w, r)
		if ws == nil {
			return
		}
		snap := ws.snapshot()
		if snap.State != done {
			s.fail(w, r, http.StatusNotFound, "there is no report yet: run it first")
			return
		}
		name, ctype, data, err := f(s, snap)
		if err != nil {
			s.fail(w, r, http.StatusInternalServerError, err.Error())
			return
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
		_, _ = w.Write(data)
	}
}

func zipDownload(_ *Server, snap snapshot) (string, string, []byte, error) {
	b, err := Zip(snap.Files)
	return "report.zip", "application/zip", b, err
}

func resultsDownload(_ *Server, snap snapshot) (string, string, []byte, error) {
	for _, f := range snap.Files {
		if f.Path == "results.json" {
			return "results.json", "application/json", f.Data, nil
		}
	}
	return "", "", nil, fmt.Errorf("the report has no results.json")
}

func commandDownload(s *Server, snap snapshot) (string, string, []byte, error) {
	return "command.txt", "text/plain; charset=utf-8", []byte(s.Command(snap.Req) + "\n"), nil
}

// reportFile serves a file of the report (index.html, figures/...) for the
// page's frame and the figure links.
func (s *Server) reportFile(w http.ResponseWriter, r *http.Request) {
	ws := s.lookup(w, r)
	if ws == nil {
		return
	}
	p := r.PathValue("path")
	for _, f := range ws.snapshot().Files {
		if f.Path == p {
			w.Header().Set("Content-Security-Policy", reportCSP)
			w.Header().Set("Content-Type", contentType(p))
			if r.URL.Query().Get("download") != "" {
				w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", path.Base(p)))
			}
			_, _ = w.Write(f.Data)
			return
		}
	}
	s.fail(w, r, http.StatusNotFound, "the report has no file "+trim(p, 100))
}

func contentType(p string) string {
	switch path.Ext(p) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".json":
		return "application/json"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".pdf":
		return "application/pdf"
	}
	return "application/octet-stream"
}

// Zip packs report files (in their order, without dates, so that the same
// report gives the same bytes).
func Zip(files []report.File) ([]byte, error) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Path, Method: zip.Deflate})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f.Data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (s *Server) apiToken(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"token": s.token})
}

// apiReport runs one report synchronously and answers its zip.
func (s *Server) apiReport(w http.ResponseWriter, r *http.Request) {
	req, err := s.request(r)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err.Error())
		return
	}
	files, err := s.runSafe(r.Context(), req, nil)
	if err != nil {
		msg, input := s.describe(err)
		status := http.StatusInternalServerError // an analysis that failed
		if input {
			status = http.StatusBadRequest
		}
		s.fail(w, r, status, msg)
		return
	}
	b, err := Zip(files)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="report.zip"`)
	_, _ = w.Write(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(v)
	_, _ = w.Write(append(b, '\n'))
}

// Command is the 'alliance report' command line that makes the same report
// from a terminal (the files under their uploaded names).
func (s *Server) Command(req Request) string {
	parts := []string{"alliance", "report"}
	if req.Studies != nil {
		parts = append(parts, "--studies", shellQuote(req.Studies.Name))
	}
	if req.Sessions != nil {
		parts = append(parts, "--sessions", shellQuote(req.Sessions.Name))
	}
	names := make([]string, 0, len(req.Fields))
	order := map[string]int{}
	for i, f := range s.opt.Fields {
		order[f.Name] = i
		if f.Group == "data" {
			order[f.Name] = i - len(s.opt.Fields) // the data first
		}
	}
	for k := range req.Fields {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool { return order[names[i]] < order[names[j]] })
	bools := map[string]bool{}
	for _, f := range s.opt.Fields {
		bools[f.Name] = f.Bool
	}
	for _, k := range names {
		if bools[k] {
			parts = append(parts, "--"+k)
			continue
		}
		parts = append(parts, "--"+k, shellQuote(req.Fields[k]))
	}
	return strings.Join(append(parts, "--out", "report"), " ")
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./,:=+%@", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
