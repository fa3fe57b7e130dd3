package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
)

// AnalysisFile is the file the page offers to save an analysis: its options,
// the data it ran on (by SHA-256 checksum, or the embedded dataset's name)
// and the program version. Uploaded again with the same data, it restores
// the page.
type AnalysisFile struct {
	Generator string            `json:"generator"`
	Version   string            `json:"version"`
	Options   map[string]string `json:"options"`
	Data      []DataRef         `json:"data"`
	Command   string            `json:"command"`
}

// DataRef names one table of an analysis.
type DataRef struct {
	Role    string `json:"role"` // studies or sessions
	File    string `json:"file,omitempty"`
	Bytes   int    `json:"bytes,omitempty"`
	SHA256  string `json:"sha256,omitempty"`
	Dataset string `json:"dataset,omitempty"`
}

const analysisGenerator = "alliance serve"

// Analysis describes req as an analysis file.
func (s *Server) Analysis(req Request) AnalysisFile {
	a := AnalysisFile{Generator: analysisGenerator, Version: s.opt.Version, Options: map[string]string{}, Command: s.Command(req)}
	for k, v := range req.Fields {
		if k != "studies-dataset" && k != "sessions-dataset" {
			a.Options[k] = v
		}
	}
	for _, d := range dataRoles {
		u := req.Studies
		if d.role == "sessions" {
			u = req.Sessions
		}
		switch {
		case u != nil:
			sum := sha256.Sum256(u.Data)
			a.Data = append(a.Data, DataRef{Role: d.role, File: u.Name, Bytes: len(u.Data), SHA256: hex.EncodeToString(sum[:])})
		case req.Fields[d.dataset] != "":
			a.Data = append(a.Data, DataRef{Role: d.role, Dataset: req.Fields[d.dataset]})
		}
	}
	return a
}

func (s *Server) analysisFile(w http.ResponseWriter, r *http.Request) {
	ws := s.lookup(w, r)
	if ws == nil {
		return
	}
	b, err := json.MarshalIndent(s.Analysis(ws.snapshot().Req), "", "  ")
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="analysis.json"`)
	_, _ = w.Write(append(b, '\n'))
}

// restore applies an uploaded analysis file to the data uploaded with it:
// its options, its embedded datasets, and a check that each file is the one
// it ran on.
func (s *Server) restore(u *Upload, req Request) (Request, error) {
	var a AnalysisFile
	if err := json.Unmarshal(u.Data, &a); err != nil || a.Generator != analysisGenerator {
		return req, fmt.Errorf("%s is not an analysis file of 'alliance serve' (save one with \"Save the analysis\" on the page)", trim(u.Name, 80))
	}
	known := map[string]bool{}
	for _, f := range s.opt.Fields {
		known[f.Name] = true
	}
	keys := make([]string, 0, len(a.Options))
	for k := range a.Options {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !known[k] {
			return req, fmt.Errorf("%s: option %q is not an option of this version (%s) of the report", trim(u.Name, 80), trim(k, 40), s.opt.Version)
		}
		req.Fields[k] = a.Options[k]
	}
	for _, d := range a.Data {
		var up *Upload
		field := ""
		switch d.Role {
		case "studies":
			up, field = req.Studies, "studies-dataset"
		case "sessions":
			up, field = req.Sessions, "sessions-dataset"
		default:
			return req, fmt.Errorf("%s: unknown data role %q", trim(u.Name, 80), trim(d.Role, 40))
		}
		if d.Dataset != "" {
			if up == nil {
				req.Fields[field] = d.Dataset
			}
			continue
		}
		if up == nil {
			return req, fmt.Errorf("the analysis ran on the %s file %s: upload it together with the analysis file", d.Role, trim(d.File, 80))
		}
		sum := sha256.Sum256(up.Data)
		if got := hex.EncodeToString(sum[:]); got != d.SHA256 {
			return req, fmt.Errorf("the %s file %s is not the file the analysis ran on (%s, %d bytes, SHA-256 %.12s…; this one has %d bytes, SHA-256 %.12s…): upload the same file, or start a new analysis", d.Role, trim(up.Name, 80), trim(d.File, 80), d.Bytes, d.SHA256, len(up.Data), got)
		}
	}
	return req, nil
}
