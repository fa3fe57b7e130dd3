package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFailingRunWritesNothing: a run whose --out cannot be written fails
// before any work with exit 2 and writes none of its other outputs
// (figures, exports).
func TestFailingRunWritesNothing(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "nodir", "x.txt")
	for _, tc := range [][]string{
		{"gains", "--plot", filepath.Join(dir, "g.png")},
		{"sessions", "--export", filepath.Join(dir, "e.csv"), "--plot", filepath.Join(dir, "s.png")},
		{"change", "--plot", filepath.Join(dir, "c.png")},
		{"meta", "--forest", filepath.Join(dir, "f.png"), "--aggregate-out", filepath.Join(dir, "a.csv")},
		{"ruptures", "--export-effect", filepath.Join(dir, "r.csv")},
		{"gains", "--plot", filepath.Join(dir, "nodir", "g.png"), "--out", filepath.Join(dir, "ok.txt")},
	} {
		args := append([]string{"--out", bad}, tc...)
		if tc[len(tc)-2] == "--out" {
			args = tc
		}
		_, stderr, code := runCLI(t, "", args...)
		if code != exitUsage || !strings.Contains(stderr, "does not exist") {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
		if left, _ := os.ReadDir(dir); len(left) > 0 {
			t.Fatalf("%v wrote %v", args, left)
		}
	}
}

// TestStaleTempsSwept: a temporary of ours next to the target, over an hour
// old, is removed by the next run writing that target; a fresh one (a
// concurrent run's) and other files are left alone.
func TestStaleTempsSwept(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "sim.csv")
	stale := filepath.Join(dir, ".sim.csv.tmp123")
	fresh := filepath.Join(dir, ".sim.csv.tmp456")
	other := filepath.Join(dir, ".other.tmp1")
	for _, p := range []string{stale, fresh, other} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * time.Hour)
	_ = os.Chtimes(stale, old, old)
	_ = os.Chtimes(other, old, old)
	if _, stderr, code := runCLI(t, "", "simulate", "studies", "--studies", "5", "--out", out); code != 0 {
		t.Fatalf("simulate: %d %s", code, stderr)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("stale temporary left")
	}
	for _, p := range []string{fresh, other, out} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed: %v", p, err)
		}
	}
}

// TestInterruptCleansUp is the kill test: the built program writing a
// large simulated file, or a report, is sent SIGINT or SIGTERM while it
// works; it exits 130 or 143, leaves no target and no temporary.
func TestInterruptCleansUp(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program")
	}
	bin := filepath.Join(t.TempDir(), "alliance")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		sig    syscall.Signal
		code   int
		args   func(dir string) []string
		target string
		wait   func(dir string) bool
	}{
		{syscall.SIGINT, 130, func(dir string) []string {
			return []string{"simulate", "sessions", "--patients", "2000000", "--out", filepath.Join(dir, "sim.csv")}
		}, "sim.csv", func(dir string) bool { // the temporary exists and grows
			m, _ := filepath.Glob(filepath.Join(dir, ".sim.csv.tmp*"))
			if len(m) == 0 {
				return false
			}
			fi, err := os.Stat(m[0])
			return err == nil && fi.Size() > 1<<20
		}},
		{syscall.SIGTERM, 143, func(dir string) []string {
			return []string{"simulate", "sessions", "--patients", "2000000", "--out", filepath.Join(dir, "sim.csv")}
		}, "sim.csv", func(dir string) bool {
			m, _ := filepath.Glob(filepath.Join(dir, ".sim.csv.tmp*"))
			return len(m) > 0
		}},
		{syscall.SIGINT, 130, func(dir string) []string {
			return []string{"report", "--out", filepath.Join(dir, "rep"), "--no-pdf"}
		}, "rep", func(dir string) bool { return false }},
	} {
		dir := t.TempDir()
		cmd := exec.Command(bin, tc.args(dir)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for !tc.wait(dir) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
			if tc.target == "rep" && time.Since(deadline.Add(-20*time.Second)) > 700*time.Millisecond {
				break // the report is analysing
			}
		}
		_ = cmd.Process.Signal(tc.sig)
		err := cmd.Wait()
		code := cmd.ProcessState.ExitCode()
		if code != tc.code {
			t.Errorf("%v %v: exit %d (%v), want %d; %s", tc.sig, tc.args(dir), code, err, tc.code, stderr.String())
		}
		left, _ := os.ReadDir(dir)
		if len(left) > 0 {
			var names []string
			for _, l := range left {
				names = append(names, l.Name())
			}
			t.Errorf("%v %v left %v", tc.sig, tc.args(dir)[0:2], names)
		}
	}
}

// TestKillNeverLeavesPartialTarget is the SIGKILL half of the kill test: a
// run killed at a random point cannot clean up, but its target is either
// the previous file, untouched, or the whole new one (written to a
// temporary and renamed), never a part; what it leaves is only its own
// temporaries (.NAME.tmp*), which a later run sweeps once stale.
func TestKillNeverLeavesPartialTarget(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program")
	}
	bin := filepath.Join(t.TempDir(), "alliance")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	args := func(out string) []string {
		return []string{"simulate", "sessions", "--patients", "60000", "--therapists", "600", "--out", out}
	}
	refDir := t.TempDir()
	if out, err := exec.Command(bin, args(filepath.Join(refDir, "sim.csv"))...).CombinedOutput(); err != nil {
		t.Fatalf("reference run: %v\n%s", err, out)
	}
	want, err := os.ReadFile(filepath.Join(refDir, "sim.csv"))
	if err != nil {
		t.Fatal(err)
	}
	old := []byte("previous,file\n1,2\n")
	rng := rand.New(rand.NewPCG(22, 2026))
	for i := 0; i < 6; i++ {
		dir := t.TempDir()
		target := filepath.Join(dir, "sim.csv")
		if err := os.WriteFile(target, old, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, args(target)...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(rng.IntN(900)) * time.Millisecond
		time.Sleep(delay)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		got, err := os.ReadFile(target)
		if err != nil {
			t.Fatalf("killed after %v: the target is gone: %v", delay, err)
		}
		if !bytes.Equal(got, old) && !bytes.Equal(got, want) {
			t.Fatalf("killed after %v: the target holds %d bytes, neither the old file nor the whole new one", delay, len(got))
		}
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if e.Name() != "sim.csv" && !strings.HasPrefix(e.Name(), ".sim.csv.tmp") {
				t.Errorf("killed after %v: left %s", delay, e.Name())
			}
		}
	}
}
