package mixed

import (
	"math"
	"testing"
)

// The parallel passes (parts.go) compute what the serial ones compute: on
// designs with enough finest groups to be split (single-level slopes,
// nested intercepts, nested slopes, AR(1) residuals), the deviance and its
// gradient agree with a serial engine's to rounding (1e-12 relative) at
// several θ, every node lies in exactly one part, each in increasing order,
// and its parent lies in the same part.
func TestPartsMatchSerial(t *testing.T) {
	d := simSessions(40, 60, 5, 3) // 2,400 patients of 40 therapists
	cases := []struct {
		formula string
		opts    Options
	}{
		{"y ~ session + x + (1 + session | patient)", Options{}},
		{"y ~ session + (1 | therapist/patient)", Options{}},
		{"y ~ session + (1 | therapist) + (1 + session | patient)", Options{ML: true}},
		{"y ~ session + (1 | therapist/patient)", Options{AR1: "session"}},
	}
	for _, c := range cases {
		f, err := parseFormulaAny(c.formula)
		if err != nil {
			t.Fatal(err)
		}
		c.opts.Level = 0.95
		des, err := buildDesign(f, d, c.opts)
		if err != nil {
			t.Fatalf("%s: %v", c.formula, err)
		}
		par, ser := newEngine(des), newEngine(des)
		ser.serial()
		if len(par.parts) < 2 {
			t.Fatalf("%s: %d parts, want a split for %d finest groups", c.formula, len(par.parts), des.levels[0].nodes)
		}
		checkPartPlan(t, c.formula, par)
		nt := des.ntheta()
		np := nt + des.resid.npar()
		for _, v := range []float64{0.3, 1, 2.5} {
			x := make([]float64, np)
			for i := range x {
				x[i] = v / float64(i+1)
			}
			if des.resid != nil {
				x[nt] = 0.4 // φ
			}
			cp, okp := par.eval(x[:nt], x[nt:]...)
			cs, oks := ser.eval(x[:nt], x[nt:]...)
			if !okp || !oks {
				t.Fatalf("%s at %v: eval failed (parallel %v, serial %v)", c.formula, x, okp, oks)
			}
			for _, pair := range [][2]float64{{cp.ldL2, cs.ldL2}, {cp.ldRX2, cs.ldRX2}, {cp.r2, cs.r2}} {
				if math.Abs(pair[0]-pair[1]) > 1e-12*math.Max(1, math.Abs(pair[1])) {
					t.Errorf("%s at %v: parallel %v, serial %v", c.formula, x, pair[0], pair[1])
				}
			}
			if des.resid != nil {
				continue // no analytic gradient with a residual structure
			}
			gp, gs := make([]float64, np), make([]float64, np)
			fp, fs := par.devianceGrad(x, gp, !c.opts.ML), ser.devianceGrad(x, gs, !c.opts.ML)
			if math.Abs(fp-fs) > 1e-12*math.Abs(fs) {
				t.Errorf("%s at %v: deviance parallel %v, serial %v", c.formula, x, fp, fs)
			}
			for i := range gp {
				if math.Abs(gp[i]-gs[i]) > 1e-9*math.Max(1, math.Abs(gs[i])) {
					t.Errorf("%s at %v: gradient[%d] parallel %v, serial %v", c.formula, x, i, gp[i], gs[i])
				}
			}
		}
	}
}

func checkPartPlan(t *testing.T, name string, e *engine) {
	t.Helper()
	d := e.d
	for l, lv := range d.levels {
		seen := make([]int, lv.nodes)
		partOf := make([]int, lv.nodes)
		for k, pt := range e.parts {
			for i, j := range pt.nodes[l] {
				if i > 0 && pt.nodes[l][i-1] >= j {
					t.Fatalf("%s: level %d of part %d is not in increasing order", name, l, k)
				}
				seen[j]++
				partOf[j] = k
			}
		}
		for j, s := range seen {
			if s != 1 {
				t.Fatalf("%s: node %d of level %d lies in %d parts", name, j, l, s)
			}
		}
		if l+1 < len(d.levels) {
			for k, pt := range e.parts {
				for _, j := range pt.nodes[l] {
					par := lv.parent[j]
					found := false
					for _, pj := range e.parts[k].nodes[l+1] {
						found = found || int(pj) == par
					}
					if !found {
						t.Fatalf("%s: node %d of level %d is in part %d, its parent %d is not", name, j, l, k, par)
					}
				}
			}
		}
	}
}

// evalGrad right after an evaluation with keep at the same point reuses
// its factors (the line search's accepted trial): the deviance and gradient
// are exactly those of a fresh engine, and an evaluation elsewhere in
// between makes evalGrad factor again.
func TestKeptEvaluationReused(t *testing.T) {
	d := simSessions(5, 30, 6, 4)
	f, err := parseFormulaAny("y ~ session + (1 | therapist) + (1 + session | patient)")
	if err != nil {
		t.Fatal(err)
	}
	des, err := buildDesign(f, d, Options{Level: 0.95})
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{0.7, 1.3, -0.1, 0.4}
	y := []float64{0.2, 0.9, 0.3, 0.1}
	fresh := newEngine(des)
	want := make([]float64, len(x))
	fw := fresh.devianceGrad(x, want, true)
	e := newEngine(des)
	for _, between := range []bool{false, true} {
		e.keep = true
		if _, ok := e.eval(x, 0); !ok {
			t.Fatal("eval failed")
		}
		e.keep = false
		if _, ok := e.kept.at(x, []float64{0}); !ok {
			t.Fatal("the evaluation with keep was not remembered")
		}
		if between {
			e.eval(y, 0)
			if _, ok := e.kept.at(x, []float64{0}); ok {
				t.Fatal("an evaluation at another point left the kept one valid")
			}
		}
		got := make([]float64, len(x))
		if fg := e.devianceGrad(x, got, true); fg != fw {
			t.Errorf("between=%v: deviance %v, fresh engine %v", between, fg, fw)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("between=%v: gradient[%d] %v, fresh engine %v", between, i, got[i], want[i])
			}
		}
	}
}

// serial makes the engine's passes one pass over all nodes, as before the
// parts (for comparison).
func (e *engine) serial() { e.parts, e.team = nil, nil }

// Engines run inside parallel workers (bootstrap refits, profile workers)
// keep their parts and run them inline: the intervals are the same for any
// number of workers, on a design large enough to be split.
func TestInlinePartsSameForAnyWorkers(t *testing.T) {
	d := simSessions(40, 60, 4, 5) // 2,400 patients
	m, err := Fit("y ~ session + (1 | patient)", d, Options{ML: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.e.parts) < 2 {
		t.Fatalf("%d parts: the design is not split", len(m.e.parts))
	}
	for _, method := range []string{"boot", "profile"} {
		var got []*ConfintResult
		for _, w := range []int{1, 2, 3} {
			ci, err := m.Confint(ConfintOptions{Method: method, NSim: 6, Seed: 3, Workers: w})
			if err != nil {
				t.Fatalf("%s, %d workers: %v", method, w, err)
			}
			got = append(got, ci)
		}
		for i := 1; i < len(got); i++ {
			for k := range got[0].Intervals {
				a, b := got[0].Intervals[k], got[i].Intervals[k]
				if a.Lower != b.Lower || a.Upper != b.Upper {
					t.Errorf("%s %s: [%v, %v] with 1 worker, [%v, %v] with %d", method, a.Parm, a.Lower, a.Upper, b.Lower, b.Upper, i+1)
				}
			}
		}
	}
}
