package workflow

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/datasets/simulate"
)

// TestStreamMemoryBounded: the peak resident memory of a whole process
// running RupturesFile, GainsFile and ChangeFile on 10⁶ and 10⁷ session rows (50,000
// and 500,000 patients × 20 sessions, simulated) differs by less than 2×.
// Each run is a child process (this test binary) that reports its VmHWM.
// Slow (about a minute and 250 MB of temporary files): it runs only with
// ALLIANCE_MEMTEST=1 and not under -short.
func TestStreamMemoryBounded(t *testing.T) {
	if path := os.Getenv("ALLIANCE_MEMCHILD"); path != "" {
		memChild(t, path)
		return
	}
	if testing.Short() || os.Getenv("ALLIANCE_MEMTEST") == "" {
		t.Skip("set ALLIANCE_MEMTEST=1 (slow: 10⁷ rows)")
	}
	dir := t.TempDir()
	peak := map[string][2]int{}
	for k, np := range []int{50_000, 500_000} {
		path := filepath.Join(dir, fmt.Sprintf("s%d.csv", np))
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		p := simulate.DefaultSessionParams()
		p.Patients, p.Therapists, p.MinSessions, p.MaxSessions = np, np/50, 20, 20
		w := bufio.NewWriter(f)
		if _, err := simulate.WriteSessionsCSV(w, p, nil); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		for _, cmd := range []string{"ruptures", "gains", "change"} {
			c := exec.Command(os.Args[0], "-test.run=^TestStreamMemoryBounded$")
			c.Env = append(os.Environ(), "ALLIANCE_MEMCHILD="+path, "ALLIANCE_MEMCMD="+cmd)
			out, err := c.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", cmd, err, out)
			}
			_, after, ok := strings.Cut(string(out), "VmHWM=")
			if !ok {
				t.Fatalf("no VmHWM in %s", out)
			}
			kb, _ := strconv.Atoi(strings.Fields(after)[0])
			v := peak[cmd]
			v[k] = kb
			peak[cmd] = v
		}
		os.Remove(path)
	}
	for cmd, v := range peak {
		t.Logf("%s: peak RSS %d MB at 10⁶ rows, %d MB at 10⁷", cmd, v[0]/1024, v[1]/1024)
		if float64(v[1]) >= 2*float64(v[0]) {
			t.Errorf("%s: peak RSS grows from %d KB to %d KB for 10× the rows", cmd, v[0], v[1])
		}
	}
}

// TestSessionsMemoryBounded: the session model holds per-patient
// sufficient statistics (the criterion needs each patient's
// cross-products), so its memory grows with the patients, not with the
// rows: SessionsFile on 10⁶ and 10⁷ rows of the same 50,000 patients (20
// and 200 sessions each) peaks within 2× of each other. Slow; runs only
// with ALLIANCE_MEMTEST=1, as TestStreamMemoryBounded.
func TestSessionsMemoryBounded(t *testing.T) {
	if os.Getenv("ALLIANCE_MEMCHILD") != "" {
		t.Skip("child of TestStreamMemoryBounded")
	}
	if testing.Short() || os.Getenv("ALLIANCE_MEMTEST") == "" {
		t.Skip("set ALLIANCE_MEMTEST=1 (slow: 10⁷ rows)")
	}
	dir := t.TempDir()
	var peak [2]int
	for k, ns := range []int{20, 200} {
		path := filepath.Join(dir, fmt.Sprintf("s%d.csv", ns))
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		p := simulate.DefaultSessionParams()
		p.Patients, p.Therapists, p.MinSessions, p.MaxSessions = 50_000, 1000, ns, ns
		w := bufio.NewWriter(f)
		if _, err = simulate.WriteSessionsCSV(w, p, nil); err != nil {
			t.Fatal(err)
		}
		if err = w.Flush(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		c := exec.Command(os.Args[0], "-test.run=^TestStreamMemoryBounded$")
		c.Env = append(os.Environ(), "ALLIANCE_MEMCHILD="+path, "ALLIANCE_MEMCMD=sessions")
		out, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("sessions: %v\n%s", err, out)
		}
		_, after, ok := strings.Cut(string(out), "VmHWM=")
		if !ok {
			t.Fatalf("no VmHWM in %s", out)
		}
		peak[k], _ = strconv.Atoi(strings.Fields(after)[0])
		os.Remove(path)
	}
	t.Logf("sessions: peak RSS %d MB at 10⁶ rows, %d MB at 10⁷ (50,000 patients)", peak[0]/1024, peak[1]/1024)
	if float64(peak[1]) >= 2*float64(peak[0]) {
		t.Errorf("sessions: peak RSS grows from %d KB to %d KB for 10× the rows", peak[0], peak[1])
	}
}

func memChild(t *testing.T, path string) {
	var err error
	switch os.Getenv("ALLIANCE_MEMCMD") {
	case "gains":
		_, err = GainsFile(path, datasets.ReadOptions{}, GainsOptions{Cutoff: fp(5)})
	case "change":
		_, err = ChangeFile(path, datasets.ReadOptions{}, ChangeOptions{Reliability: fp(0.8)})
	case "sessions":
		ReportStreamBytes = -1 // patient by patient at every size
		_, err = SessionsFile(path, datasets.ReadOptions{}, SessionsOptions{})
	default:
		_, err = RupturesFile(path, datasets.ReadOptions{}, RupturesOptions{})
	}
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc")
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			fmt.Printf("VmHWM=%s\n", strings.Fields(l)[1])
		}
	}
}
