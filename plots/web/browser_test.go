package web

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// TestOpenBrowser: on Linux and the BSDs the address is handed to
// xdg-open (here a stand-in on PATH that records its argument).
func TestOpenBrowser(t *testing.T) {
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		t.Skip("the stand-in is a shell script for xdg-open")
	}
	dir := t.TempDir()
	got := filepath.Join(dir, "url")
	script := "#!/bin/sh\nprintf '%s' \"$1\" > " + got + ".tmp && mv " + got + ".tmp " + got + "\n"
	if err := os.WriteFile(filepath.Join(dir, "xdg-open"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	OpenBrowser("http://127.0.0.1:8080/")
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(got); err == nil {
			if string(b) != "http://127.0.0.1:8080/" {
				t.Fatalf("xdg-open was given %q", b)
			}
			return
		}
	}
	t.Fatal("xdg-open was not run within 5 s")
}
