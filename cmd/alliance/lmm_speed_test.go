package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLMMSpeed times the whole process `alliance lmm FILE.csv --formula …`
// (CSV load, fit, Satterthwaite df, BLUPs, output) against lme4's lmer fit
// alone (system.time in Rscript on the same CSV) for the targets:
// 5,000 patients × 20 sessions with a random intercept and slope, the same
// rows with nested therapist/patient intercepts (≥ 30× faster than lmer),
// and 10⁷ rows (500,000 patients of 10,000 therapists × 20 sessions) nested
// (≤ 30 s and ≤ 2 GB). It logs wall and CPU time, peak RSS and the load,
// and fails only when a run fails: timings on a shared machine are for the
// README, not for CI. Only with ALLIANCE_LMMBENCH=1 (it builds the binary,
// writes ~200 MB of CSV and takes minutes); ALLIANCE_LMMBENCH_BIG=0 skips
// the 10⁷ rows.
func TestLMMSpeed(t *testing.T) {
	if os.Getenv("ALLIANCE_LMMBENCH") == "" {
		t.Skip("set ALLIANCE_LMMBENCH=1 (whole-process timings against lme4)")
	}
	dir := t.TempDir()
	// The README installs a static binary (CGO_ENABLED=0): without it, a
	// machine with a C compiler links the net package's cgo resolver, and
	// every start pays the dynamic loader and libc (~0.7 ms here). Both
	// builds are timed.
	builds := []struct{ name, bin, cgo string }{
		{"static (CGO_ENABLED=0, as the README installs)", filepath.Join(dir, "alliance"), "0"},
		{"default build (cgo where a C compiler is present)", filepath.Join(dir, "alliance-cgo"), ""},
	}
	for _, b := range builds {
		cmd := exec.Command("go", "build", "-o", b.bin, ".")
		if b.cgo != "" {
			cmd.Env = append(os.Environ(), "CGO_ENABLED="+b.cgo)
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
	}
	bin := builds[0].bin
	small := filepath.Join(dir, "s100k.csv")
	simulateCSV(t, bin, small, "--patients", "5000", "--therapists", "250", "--min-sessions", "20", "--max-sessions", "20", "--missing-rate", "0", "--seed", "1")
	models := []struct{ name, formula string }{
		{"random intercept + slope, 100,000 rows", "outcome ~ session + (1 + session | patient)"},
		{"nested therapist/patient, 100,000 rows", "outcome ~ session + (1 | therapist/patient)"},
	}
	lmer := lmerTimes(t, small, models[0].formula, models[1].formula)
	for k, m := range models {
		for _, b := range builds {
			var walls, cpus []float64
			var rss int64
			for i := 0; i < 7; i++ {
				w, c, r := lmmTimeRun(t, b.bin, "lmm", small, "--formula", m.formula)
				walls, cpus, rss = append(walls, w), append(cpus, c), max(rss, r)
			}
			slices.Sort(walls)
			slices.Sort(cpus)
			t.Logf("%s, %s: alliance lmm whole process: wall median %.1f ms (min %.1f), CPU median %.1f ms, peak RSS %d MB, load %s",
				m.name, b.name, 1e3*walls[3], 1e3*walls[0], 1e3*cpus[3], rss>>10, loadAvg())
			if lmer != nil {
				r := lmer[k]
				t.Logf("%s, %s: lmer fit alone: elapsed median %.3f s (min %.3f) → %.1f× (by min %.1f×)", m.name, b.name, r[len(r)/2], r[0], r[len(r)/2]/walls[3], r[0]/walls[0])
			}
		}
	}
	if os.Getenv("ALLIANCE_LMMBENCH_BIG") == "0" {
		return
	}
	big := filepath.Join(dir, "big.csv")
	simulateCSV(t, bin, big, "--patients", "500000", "--therapists", "10000", "--min-sessions", "20", "--max-sessions", "20")
	w, c, r := lmmTimeRun(t, bin, "lmm", big, "--formula", "outcome ~ session + (1 | therapist/patient)")
	t.Logf("10⁷ rows nested: wall %.1f s, CPU %.1f s, peak RSS %d MB, load %s (targets ≤ 30 s, ≤ 2048 MB)", w, c, r>>10, loadAvg())
}

// simulateCSV writes simulated sessions to path.
func simulateCSV(t *testing.T, bin, path string, args ...string) {
	t.Helper()
	args = append([]string{"simulate", "sessions", "--out", path}, args...)
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("simulate: %v\n%s", err, out)
	}
}

// lmmTimeRun runs bin with args and returns its wall and CPU (user + system)
// seconds and peak RSS in KB.
func lmmTimeRun(t *testing.T, bin string, args ...string) (wall, cpu float64, rss int64) {
	t.Helper()
	c := exec.Command(bin, args...)
	t0 := time.Now()
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	wall = time.Since(t0).Seconds()
	cpu = (c.ProcessState.UserTime() + c.ProcessState.SystemTime()).Seconds()
	if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss
	}
	return wall, cpu, rss
}

// lmerTimes returns, per formula, lmer's sorted elapsed seconds over five
// fits (REML, default control) of the CSV at path, or nil when Rscript or
// lme4 is missing.
func lmerTimes(t *testing.T, path string, formulas ...string) [][]float64 {
	t.Helper()
	if _, err := exec.LookPath("Rscript"); err != nil {
		t.Log("no Rscript: lmer not timed")
		return nil
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "suppressMessages(library(lme4)); d <- read.csv(%q); d$patient <- factor(d$patient); d$therapist <- factor(d$therapist)\n", path)
	for _, f := range formulas {
		fmt.Fprintf(&sb, "cat(replicate(5, system.time(lmer(%s, data = d))[3]), '\\n')\n", f)
	}
	out, err := exec.Command("Rscript", "-e", sb.String()).Output()
	if err != nil {
		t.Logf("lmer not timed: %v", err)
		return nil
	}
	var res [][]float64
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var r []float64
		for _, f := range strings.Fields(line) {
			if v, err := strconv.ParseFloat(f, 64); err == nil {
				r = append(r, v)
			}
		}
		slices.Sort(r)
		res = append(res, r)
	}
	if len(res) != len(formulas) || len(res[0]) == 0 {
		t.Logf("lmer output not understood: %s", out)
		return nil
	}
	t.Logf("lmer timed at load %s", loadAvg())
	return res
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}
