package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/alliance-research/alliance/plots/report"
)

// fakeServer serves the page over a Run the test controls.
func fakeServer(t *testing.T, run func(ctx context.Context, req Request, progress func(string)) ([]report.File, error)) (*httptest.Server, *Server) {
	t.Helper()
	s, err := New(Options{Version: "test", Fields: []Field{{Name: "method", Group: "meta"}, {Name: "studies-dataset", Group: "data"}},
		Inspect: func(req Request) ([]Table, error) {
			if req.Fields["method"] == "panic" {
				panic("inspect exploded")
			}
			return []Table{{Role: "studies", Name: "x.csv", Columns: []string{"a"}}}, nil
		},
		Run: run, Describe: func(err error) (string, bool) { return err.Error(), false }})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(func() { ts.Close(); s.Close() })
	return ts, s
}

func postAPI(t *testing.T, ts *httptest.Server, token string) int {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	w, _ := mw.CreateFormFile("studies", "x.csv")
	_, _ = w.Write([]byte("a\n1\n"))
	_ = mw.Close()
	req, _ := http.NewRequest("POST", ts.URL+"/api/report", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-Alliance-Token", token)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// A panic in an analysis or in a handler answers 500; the server goes on.
func TestPanicDoesNotStopServer(t *testing.T) {
	calls := 0
	ts, s := fakeServer(t, func(context.Context, Request, func(string)) ([]report.File, error) {
		calls++
		if calls == 1 {
			panic("analysis exploded")
		}
		return []report.File{{Path: "results.json", Data: []byte("{}")}}, nil
	})
	if code := postAPI(t, ts, s.Token()); code != 500 {
		t.Errorf("panicking run: %d, want 500", code)
	}
	if code := postAPI(t, ts, s.Token()); code != 200 {
		t.Errorf("the next request: %d, want 200", code)
	}
	resp, err := ts.Client().PostForm(ts.URL+"/new", url.Values{"csrf": {s.Token()}, "method": {"panic"}, "studies-dataset": {"x"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 500 {
		t.Errorf("panicking handler: %d, want 500", resp.StatusCode)
	}
	if resp, err := ts.Client().Get(ts.URL + "/"); err != nil || resp.StatusCode != 200 {
		t.Errorf("the server stopped answering: %v %v", resp, err)
	}
}

// A run shows its stage while it runs, and Cancel stops it.
func TestProgressAndCancel(t *testing.T) {
	started := make(chan struct{})
	stopped := make(chan error, 1)
	ts, s := fakeServer(t, func(ctx context.Context, _ Request, progress func(string)) ([]report.File, error) {
		progress("meta-analysis")
		close(started)
		<-ctx.Done()
		stopped <- ctx.Err()
		return nil, ctx.Err()
	})
	client := ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	w, _ := mw.CreateFormFile("studies", "x.csv")
	_, _ = w.Write([]byte("a\n1\n"))
	_ = mw.WriteField("csrf", s.Token())
	_ = mw.Close()
	resp, err := client.Post(ts.URL+"/new", mw.FormDataContentType(), &b)
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("new: %v %v", resp, err)
	}
	loc := resp.Header.Get("Location")
	if resp, err = client.PostForm(ts.URL+loc+"/run", url.Values{"csrf": {s.Token()}}); err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("run: %v %v", resp, err)
	}
	<-started
	page := getBody(t, ts, loc)
	if !strings.Contains(page, "Running: meta-analysis") || !strings.Contains(page, `http-equiv="refresh" content="1; url=`+loc+`"`) {
		t.Errorf("no progress on the page: %.2000s", page)
	}
	if resp, err = client.PostForm(ts.URL+loc+"/cancel", url.Values{"csrf": {s.Token()}}); err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %v %v", resp, err)
	}
	select {
	case err := <-stopped:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("run stopped with %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("cancel did not reach the run")
	}
	for i := 0; i < 50 && !strings.Contains(getBody(t, ts, loc), "was cancelled"); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(getBody(t, ts, loc), "was cancelled") {
		t.Errorf("the page does not say the run was cancelled")
	}
}

func getBody(t *testing.T, ts *httptest.Server, path string) string {
	t.Helper()
	resp, err := ts.Client().Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestLoopback: only this computer's names and addresses are loopback; a
// loopback page accepts its own address and localhost's spellings with its
// port, and nothing else.
func TestLoopback(t *testing.T) {
	for host, want := range map[string]bool{"localhost": true, "LocalHost": true, "127.0.0.1": true, "127.8.9.1": true, "::1": true,
		"0.0.0.0": false, "192.168.1.10": false, "example.org": false, "": false} {
		if IsLoopback(host) != want {
			t.Errorf("IsLoopback(%q) = %v", host, !want)
		}
	}
	got := LoopbackHosts("127.0.0.1:8080")
	want := []string{"127.0.0.1:8080", "localhost:8080", "127.0.0.1:8080", "[::1]:8080"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("LoopbackHosts: %v", got)
	}
}
