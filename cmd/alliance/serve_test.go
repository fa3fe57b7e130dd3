package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alliance-research/alliance/plots/web"
)

// testServer is the page over the real report path, on a loopback test
// listener.
func testServer(t *testing.T, maxUpload int64) (*httptest.Server, *web.Server) {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	srv, err := newWebServer(&env{stderr: io.Discard}, ts.Listener.Addr().String(), false, maxUpload)
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv
	ts.Start()
	t.Cleanup(func() { ts.Close(); srv.Close() })
	return ts, srv
}

// multipartBody builds a form with files (field → name, data) and fields.
func multipartBody(t *testing.T, files map[string][2]string, fields url.Values) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for field, f := range files {
		w, err := mw.CreateFormFile(field, f[0])
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(f[1]))
	}
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	_ = mw.Close()
	return &b, mw.FormDataContentType()
}

func apiReport(t *testing.T, ts *httptest.Server, token string, files map[string][2]string, fields url.Values) (*http.Response, []byte) {
	t.Helper()
	body, ctype := multipartBody(t, files, fields)
	req, _ := http.NewRequest("POST", ts.URL+"/api/report", body)
	req.Header.Set("Content-Type", ctype)
	if token != "" {
		req.Header.Set("X-Alliance-Token", token)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func unzip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v (%.200s)", err, b)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		r, _ := f.Open()
		out[f.Name], _ = io.ReadAll(r)
		r.Close()
	}
	return out
}

// cliResults runs 'alliance report' in dir on the files (written there
// under their names) and returns its results.json.
func cliResults(t *testing.T, files map[string][2]string, args ...string) []byte {
	t.Helper()
	dir := t.TempDir()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = os.Chdir(wd) }()
	all := []string{"report", "--quiet", "--out", "rep"}
	for field, f := range files {
		if err := os.WriteFile(f[0], []byte(f[1]), 0o644); err != nil {
			t.Fatal(err)
		}
		all = append(all, "--"+field, f[0])
	}
	_, stderr, code := runCLI(t, "", append(all, args...)...)
	if code != 0 {
		t.Fatalf("alliance report: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join("rep", "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func embeddedCSV(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "datasets", "data", name+".csv"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The API's results.json is byte-identical to the CLI's for the same file
// and flags.
func TestServeAPIMatchesCLI(t *testing.T) {
	ts, srv := testServer(t, 0)
	files := map[string][2]string{"studies": {"studies.csv", embeddedCSV(t, "demo-studies")}}
	fields := url.Values{"method": {"ML"}, "mods": {"treatment"}, "title": {"Coursework"}}
	resp, b := apiReport(t, ts, srv.Token(), files, fields)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("status %d %s: %.300s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	z := unzip(t, b)
	for _, want := range []string{"index.html", "results.json", "figures/forest-three-level.svg"} {
		if _, ok := z[want]; !ok {
			var names []string
			for n := range z {
				names = append(names, n)
			}
			t.Errorf("zip lacks %s; has %v", want, names)
		}
	}
	cli := cliResults(t, files, "--method", "ML", "--mods", "treatment", "--title", "Coursework")
	if !bytes.Equal(z["results.json"], cli) {
		t.Errorf("results.json differs from the CLI's (%d vs %d bytes)", len(z["results.json"]), len(cli))
	}
	if !bytes.Contains(cli, []byte(`"method": "ML"`)) {
		t.Errorf("the option did not reach the analysis")
	}
}

func TestServeAPIErrors(t *testing.T) {
	ts, srv := testServer(t, 1<<20)
	files := map[string][2]string{"studies": {"s.csv", "study,x\nA,1\nB,2\n"}}
	// Input error: 400, JSON, the CLI's words (columns found, the flag).
	resp, b := apiReport(t, ts, srv.Token(), files, nil)
	var e struct{ Error string }
	if resp.StatusCode != 400 || json.Unmarshal(b, &e) != nil || !strings.Contains(e.Error, "columns are: study, x") || !strings.Contains(e.Error, "--r") {
		t.Errorf("input error: %d %s", resp.StatusCode, b)
	}
	// Unknown option and a bad value.
	good := map[string][2]string{"studies": {"s.csv", embeddedCSV(t, "demo-studies")}}
	if r2, b := apiReport(t, ts, srv.Token(), good, url.Values{"bogus": {"1"}}); r2.StatusCode != 400 || !bytes.Contains(b, []byte("not an option")) {
		t.Errorf("unknown option: %d %s", r2.StatusCode, b)
	}
	if r2, b := apiReport(t, ts, srv.Token(), good, url.Values{"method": {"XX"}}); r2.StatusCode != 400 {
		t.Errorf("bad method: %d %s", r2.StatusCode, b)
	}
	// No token (CSRF): 403.
	if r2, _ := apiReport(t, ts, "", good, nil); r2.StatusCode != 403 {
		t.Errorf("no token: %d", r2.StatusCode)
	}
	// Too large: 413 with the flag to raise it.
	big := map[string][2]string{"studies": {"big.csv", strings.Repeat("x", 2<<20)}}
	if r2, b := apiReport(t, ts, srv.Token(), big, nil); r2.StatusCode != 413 || !bytes.Contains(b, []byte("--max-upload")) {
		t.Errorf("too large: %d %s", r2.StatusCode, b)
	}
	// Host check (DNS rebinding) and a cross-site Origin.
	req, _ := http.NewRequest("GET", ts.URL+"/", nil)
	req.Host = "evil.example:80"
	if r2, err2 := ts.Client().Do(req); err2 != nil || r2.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("foreign Host accepted: %v %v", r2, err2)
	}
	body, ctype := multipartBody(t, good, nil)
	req, _ = http.NewRequest("POST", ts.URL+"/api/report", body)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("X-Alliance-Token", srv.Token())
	req.Header.Set("Origin", "http://evil.example")
	if r2, err2 := ts.Client().Do(req); err2 != nil || r2.StatusCode != 403 {
		t.Errorf("cross-site Origin accepted: %v %v", r2, err2)
	}
	// Headers: CSP, no external anything.
	resp, err := ts.Client().Get(ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
	if regexp.MustCompile(`(src|href)="https?:`).Match(page) {
		t.Errorf("the page refers to another site")
	}
}

// Ten simultaneous uploads of different files each get their own report.
func TestServeConcurrentIsolated(t *testing.T) {
	ts, srv := testServer(t, 0)
	base := strings.Split(strings.TrimSpace(embeddedCSV(t, "demo-studies")), "\n")
	var wg sync.WaitGroup
	got := make([][]byte, 10)
	want := make([][]byte, 10)
	for i := range got {
		// file i keeps the first 20+3i studies
		csv := strings.Join(base[:21+3*i], "\n") + "\n"
		files := map[string][2]string{"studies": {fmt.Sprintf("s%d.csv", i), csv}}
		want[i] = cliResults(t, files, "--no-pdf")
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			resp, b := apiReport(t, ts, srv.Token(), files, url.Values{"no-pdf": {"true"}})
			if resp.StatusCode != 200 {
				t.Errorf("request %d: %d %.200s", i, resp.StatusCode, b)
				return
			}
			got[i] = unzip(t, b)["results.json"]
		}(i)
	}
	wg.Wait()
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			t.Errorf("request %d: results.json is not its own file's report", i)
		}
	}
}

var hostile = `<script>alert(1)</script>`

// Labels, column names and ids from the data are escaped in the page and in
// the report.
func TestServeEscapesData(t *testing.T) {
	ts, srv := testServer(t, 0)
	csv := "study,ri,ni," + `"""><img src=x onerror=alert(1)>"` + "\n"
	for i := 0; i < 8; i++ {
		csv += fmt.Sprintf("%s %d,0.%d,%d,a\n", hostile, i, i+1, 30+i)
	}
	sess := "patient,therapist,session,alliance,outcome\n"
	for p := 0; p < 6; p++ {
		for s := 1; s <= 6; s++ {
			sess += fmt.Sprintf("\"%s%d\",1,%d,%.1f,%d\n", hostile, p, s, 0.5*float64(p)+float64((s*(p+1))%3), 20-s+p+(s*p)%4)
		}
	}
	files := map[string][2]string{"studies": {hostile + ".csv", csv}, "sessions": {"s.csv", sess}}
	body, ctype := multipartBody(t, files, url.Values{"csrf": {srv.Token()}})
	client := ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Post(ts.URL+"/new", ctype, body)
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("new: %v %v", resp, err)
	}
	loc := resp.Header.Get("Location")
	check := func(what string, b []byte) {
		for _, bad := range []string{"<script>alert", "<img src=x"} {
			if bytes.Contains(b, []byte(bad)) {
				t.Errorf("%s holds unescaped %q", what, bad)
			}
		}
	}
	page := get(t, ts, loc)
	check("workspace page", page)
	if !bytes.Contains(page, []byte("&lt;img src=x")) {
		t.Errorf("the column name is not on the page")
	}
	// Run (no three-level, the label does not repeat) and wait.
	form := url.Values{"csrf": {srv.Token()}, "omit": {"gains", "change"}}
	resp, err = client.PostForm(ts.URL+loc+"/run", form)
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("run: %v %v", resp, err)
	}
	page = waitDone(t, ts, loc)
	check("page with report", page)
	check("report", get(t, ts, loc+"/report/index.html"))
}

func get(t *testing.T, ts *httptest.Server, path string) []byte {
	t.Helper()
	resp, err := ts.Client().Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %.300s", path, resp.StatusCode, b)
	}
	return b
}

func waitDone(t *testing.T, ts *httptest.Server, loc string) []byte {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		page := get(t, ts, loc)
		if !bytes.Contains(page, []byte("Running:")) {
			if bytes.Contains(page, []byte(`class="error"`)) {
				t.Fatalf("the run failed: %s", regexp.MustCompile(`(?s)<div class="error">.*?</div>`).Find(page))
			}
			return page
		}
	}
	t.Fatal("the run did not finish in 2 minutes")
	return nil
}

// The plain-form flow: an embedded dataset, a role changed, run, the zip,
// the command line and the analysis file, restore with the wrong data.
func TestServePageFlow(t *testing.T) {
	ts, srv := testServer(t, 0)
	client := ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.PostForm(ts.URL+"/new", url.Values{"csrf": {srv.Token()}, "studies-dataset": {"demo-studies"}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("new: %v %v", resp, err)
	}
	loc := resp.Header.Get("Location")
	page := get(t, ts, loc)
	if !bytes.Contains(page, []byte("detected: ri")) || !bytes.Contains(page, []byte("detected: ni")) {
		t.Errorf("detected roles not shown")
	}
	// Without the token the run is refused.
	if r2, _ := client.PostForm(ts.URL+loc+"/run", url.Values{"method": {"DL"}}); r2.StatusCode != 403 {
		t.Errorf("run without token: %d", r2.StatusCode)
	}
	resp, err = client.PostForm(ts.URL+loc+"/run", url.Values{"csrf": {srv.Token()}, "method": {"ML"}, "study": {"study"}, "no-pdf": {"true"}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("run: %v %v", resp, err)
	}
	page = waitDone(t, ts, loc)
	if !bytes.Contains(page, []byte("report.zip")) || !bytes.Contains(page, []byte("<iframe")) {
		t.Fatalf("no report in the page")
	}
	z := unzip(t, get(t, ts, loc+"/report.zip"))
	cmd := strings.TrimSpace(string(get(t, ts, loc+"/command.txt")))
	wantCmd := "alliance report --studies-dataset demo-studies --method ML --no-pdf --study study --out report"
	if cmd != wantCmd {
		t.Errorf("command %q, want %q", cmd, wantCmd)
	}
	// The command line gives the same results.json.
	_, stderr, code := runCLI(t, "", "report", "--quiet", "--studies-dataset", "demo-studies", "--study", "study", "--method", "ML", "--no-pdf", "--out", filepath.Join(t.TempDir(), "r"))
	if code != 0 {
		t.Fatal(stderr)
	}
	// Analysis file: options and data.
	var a web.AnalysisFile
	if jerr := json.Unmarshal(get(t, ts, loc+"/analysis.json"), &a); jerr != nil || a.Options["method"] != "ML" || len(a.Data) != 1 || a.Data[0].Dataset != "demo-studies" {
		t.Errorf("analysis file %+v %v", a, jerr)
	}
	if len(z["results.json"]) == 0 {
		t.Errorf("zip without results.json")
	}
	// Restore an analysis made on a file, with another file: refused.
	fileA := map[string][2]string{"studies": {"a.csv", embeddedCSV(t, "demo-studies")}}
	a2 := srv.Analysis(web.Request{Studies: &web.Upload{Name: "a.csv", Data: []byte(fileA["studies"][1])}, Fields: map[string]string{"method": "ML"}})
	ab, _ := json.Marshal(a2)
	files := map[string][2]string{"studies": {"a.csv", fileA["studies"][1] + "Study X,99,0.1,50,patient,patient,CBT,2001\n"}, "analysis": {"analysis.json", string(ab)}}
	body, ctype := multipartBody(t, files, url.Values{"csrf": {srv.Token()}})
	resp, err = client.Post(ts.URL+"/new", ctype, body)
	if err != nil || resp.StatusCode != 400 {
		t.Fatalf("restore with other data: %v %v", resp, err)
	}
	b, _ := io.ReadAll(resp.Body)
	if !bytes.Contains(b, []byte("not the file the analysis ran on")) {
		t.Errorf("restore message: %.300s", b)
	}
	// With the same file it restores the options.
	files["studies"] = fileA["studies"]
	body, ctype = multipartBody(t, files, url.Values{"csrf": {srv.Token()}})
	resp, err = client.Post(ts.URL+"/new", ctype, body)
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("restore: %v %v", resp, err)
	}
	if page := get(t, ts, resp.Header.Get("Location")); !regexp.MustCompile(`<option value="ML" selected>`).Match(page) {
		t.Errorf("restored page does not select method ML")
	}
}

func TestServeRefusesRemoteWithoutFlag(t *testing.T) {
	_, stderr, code := runCLI(t, "", "serve", "--addr", "0.0.0.0:0")
	if code != 2 || !strings.Contains(stderr, "--allow-remote") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

// TestServeSessionsOnlyOffersLevel: with session data alone the page
// offers the confidence level, which every session analysis uses (it was
// listed with the meta-analysis options, hidden without study data).
func TestServeSessionsOnlyOffersLevel(t *testing.T) {
	ts, srv := testServer(t, 0)
	client := ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.PostForm(ts.URL+"/new", url.Values{"csrf": {srv.Token()}, "sessions-dataset": {"demo-sessions"}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("new: %v %v", resp, err)
	}
	page := get(t, ts, resp.Header.Get("Location"))
	if !bytes.Contains(page, []byte(`name="level"`)) {
		t.Error("no confidence-level field for session data")
	}
	if bytes.Contains(page, []byte(`name="method"`)) {
		t.Error("the meta-analysis options are offered without study data")
	}
}
