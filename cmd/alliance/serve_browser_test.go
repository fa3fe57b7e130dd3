package main

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// chromium finds a Chromium or Chrome binary, or "".
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestServeInBrowser drives a real Chromium: open the page, upload the demo
// studies CSV, change a column role, run, see the forest plot, download the
// zip and compare its results.json with the CLI's. Screenshots are saved in
// the test's temp dir (and in $ALLIANCE_SCREENSHOTS when set).
func TestServeInBrowser(t *testing.T) {
	exe := chromium()
	if exe == "" {
		t.Skip("no chromium installed (apt-get install chromium): the real-browser test of 'alliance serve' is skipped")
	}
	if testing.Short() {
		t.Skip("-short: the browser test is skipped")
	}
	ts, _ := testServer(t, 0)
	dir := t.TempDir()
	shots := os.Getenv("ALLIANCE_SCREENSHOTS")
	if shots == "" {
		shots = dir
	}
	csvPath := filepath.Join(dir, "studies.csv")
	csv := embeddedCSV(t, "demo-studies")
	if err := os.WriteFile(csvPath, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	downloads := filepath.Join(dir, "downloads")
	_ = os.Mkdir(downloads, 0o755)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.WindowSize(1200, 1800), chromedp.UserDataDir(filepath.Join(dir, "profile")))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()

	shot := func(name string) {
		t.Helper()
		b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		if err := os.WriteFile(filepath.Join(shots, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := chromedp.Do(sctx, steps...); err != nil {
			body, _ := chromedp.Run(ctx, chromedp.Text(`#report`))
			t.Fatalf("browser, %s: %v; the page says: %.600s", what, err, body)
		}
	}
	// The first Run starts the browser.
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(`input[name="studies"]`)); err != nil {
		t.Fatalf("browser, open the page: %v", err)
	}
	yes := true
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads, EventsEnabled: &yes}); err != nil {
		t.Fatalf("download behaviour: %v", err)
	}
	do("upload", chromedp.SetUploadFiles(`input[name="studies"]`, []string{csvPath}))
	shot("serve-home.png")
	do("open the data", chromedp.Click(`form[action="/new"] button[type="submit"]`), chromedp.WaitVisible(`select[name="study"]`))
	detected, err := chromedp.Run(ctx, chromedp.Text(`#data`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(detected, "detected: ri") {
		t.Errorf("the page does not show the detected correlation column: %.300s", detected)
	}
	// Change a role: the study label column, chosen explicitly; run.
	do("run", chromedp.SetValue(`select[name="study"]`, "study"), chromedp.Click(`#options button[type="submit"]`))
	src := ""
	for deadline := time.Now().Add(time.Minute); src == ""; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			body, _ := chromedp.Run(ctx, chromedp.Text(`#report`))
			t.Fatalf("no report in the page after a minute: %.500s", body)
		}
		src, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('iframe') || {getAttribute: () => ''}).getAttribute('src') || ''`))
	}
	time.Sleep(time.Second) // let the frame draw for the screenshot
	shot("serve-report.png")
	// The forest plot is in the report the frame shows.
	forest, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`[...document.querySelector('iframe').contentDocument.querySelectorAll('figure')].some(f => /forest/i.test(f.innerHTML) && f.querySelector('svg,img') && f.getBoundingClientRect().height > 100)`))
	if err != nil {
		t.Fatal(err)
	}
	if !forest {
		t.Errorf("no forest plot drawn in the report")
	}
	do("download the zip", chromedp.Click(`a[href$="report.zip"]`))
	zpath := filepath.Join(downloads, "report.zip")
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if st, serr := os.Stat(zpath); serr == nil && st.Size() > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the zip was not downloaded")
		}
	}
	time.Sleep(300 * time.Millisecond)
	zr, err := zip.OpenReader(zpath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var got []byte
	for _, f := range zr.File {
		if f.Name == "results.json" {
			r, _ := f.Open()
			got, _ = io.ReadAll(r)
			r.Close()
		}
	}
	want := cliResults(t, map[string][2]string{"studies": {"studies.csv", csv}}, "--study", "study")
	if !bytes.Equal(got, want) {
		t.Errorf("the downloaded results.json differs from 'alliance report --studies studies.csv --study study' (%d vs %d bytes)", len(got), len(want))
	}
}
