package meta

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
)

// newTestSelCont builds the likelihood of SelModel for yi, vi.
func newTestSelCont(typ string, yi, vi []float64, step float64) *selCont {
	k := len(yi)
	f := selFuns[typ]
	l := &selCont{f: f, y: yi, v: vi, sv: make([]float64, k), c: make([]float64, k), pobs: make([]float64, k),
		ya: make([]float64, k), yb: make([]float64, k), nth: 2 + f.nd, step: step, mesh: make([][]float64, k), adapt: true}
	l.sc = []*selScratch{newSelScratch(f.nd, l.nth)}
	for i, v := range vi {
		l.c[i] = 0.5 + 0.5*float64(i%3)/2 // a precision in (0, 1]
		l.sv[i] = math.Sqrt(v)
		l.pobs[i] = l.clip(normSF(yi[i] / l.sv[i]))
		l.ya[i], l.yb[i] = math.Inf(-1), math.Inf(1)
		if f.pmin > 0 {
			l.ya[i] = l.sv[i] * -math.Sqrt2 * math.Erfinv(1-2*f.pmin)
		}
		if hi := math.Max(f.pmin, step); hi > 0 {
			l.yb[i] = l.sv[i] * math.Sqrt2 * math.Erfinv(1-2*hi)
		}
	}
	return l
}

// The integrated likelihood equals a brute-force integral (composite
// Simpson over μ ± 12s split at the kinks of w, the weight evaluated directly
// from its formula), and its analytic gradient and Hessian equal central
// differences, for every type, with and without a step.
func TestSelModelLikelihoodBruteForce(t *testing.T) {
	yi := []float64{0.35, 0.02, 0.61, -0.2, 0.18}
	vi := []float64{0.02, 0.09, 0.05, 0.04, 0.11}
	mu, tau2 := 0.15, 0.03
	w := map[string]func(p, c float64, d []float64) float64{
		SelBeta:      func(p, _ float64, d []float64) float64 { return math.Pow(p, d[0]-1) * math.Pow(1-p, d[1]-1) },
		SelHalfNorm:  func(p, c float64, d []float64) float64 { return math.Exp(-d[0] * c * p * p) },
		SelNegExp:    func(p, c float64, d []float64) float64 { return math.Exp(-d[0] * c * p) },
		SelLogistic:  func(p, c float64, d []float64) float64 { return 2 * math.Exp(-d[0]*c*p) / (1 + math.Exp(-d[0]*c*p)) },
		SelPower:     func(p, c float64, d []float64) float64 { return math.Pow(1-p, c*d[0]) },
		SelNegExpPow: func(p, c float64, d []float64) float64 { return math.Exp(-d[0] * c * math.Pow(p, 1/d[1])) },
	}
	deltas := map[string][]float64{SelBeta: {0.6, 1.4}, SelHalfNorm: {2.5}, SelNegExp: {1.7}, SelLogistic: {3.1}, SelPower: {0.8}, SelNegExpPow: {2.2, 1.6}}
	for typ, wf := range w {
		for _, step := range []float64{0, 0.05} {
			if typ == SelBeta && step > 0 {
				continue
			}
			l := newTestSelCont(typ, yi, vi, step)
			d := deltas[typ]
			weight := func(p, c float64) float64 {
				p = l.clip(p)
				if step > 0 && p <= step {
					return 1
				}
				if step > 0 {
					return wf(p, c, d) / wf(step, c, d)
				}
				return wf(p, c, d)
			}
			var bf float64
			for i, y := range yi {
				s := math.Sqrt(vi[i] + tau2)
				// Simpson on each piece between the kinks of w (p = pval.min,
				// the step, 1 − pval.min), 20,000 intervals each
				cuts := []float64{mu - 12*s}
				for _, c := range []float64{l.ya[i], l.yb[i]} {
					if c > mu-12*s && c < mu+12*s {
						cuts = append(cuts, c)
					}
				}
				cuts = append(cuts, mu+12*s)
				var A float64
				for q := 0; q+1 < len(cuts); q++ {
					const n = 20000
					lo, hi := cuts[q], cuts[q+1]
					h := (hi - lo) / n
					var part float64
					for j := 0; j <= n; j++ {
						x := lo + float64(j)*h
						c := 2.0
						if j == 0 || j == n {
							c = 1
						} else if j%2 == 1 {
							c = 4
						}
						part += c * weight(normSF(x/l.sv[i]), l.c[i]) * math.Exp(-(x-mu)*(x-mu)/(2*s*s)) / (s * math.Sqrt(2*math.Pi))
					}
					A += part * h / 3
				}
				e := y - mu
				bf += math.Log(weight(l.pobs[i], l.c[i])) - 0.5*math.Log(2*math.Pi*s*s) - e*e/(2*s*s) - math.Log(A)
			}
			ctx := fmt.Sprintf("%s step %g", typ, step)
			n := l.nth
			g, h := make([]float64, n), make([]float64, n*n)
			ll, ok := l.eval(mu, tau2, d, g, h)
			if !ok || math.Abs(ll-bf) > 1e-10*math.Abs(bf) {
				t.Errorf("%s: ℓ = %.12g (ok %v), brute force %.12g", ctx, ll, ok, bf)
			}
			// central differences of ℓ and of the gradient
			th := append([]float64{mu, tau2}, d...)
			at := func(th []float64, g, h []float64) float64 {
				v, _ := l.eval(th[0], th[1], th[2:], g, h)
				return v
			}
			gp, gm := make([]float64, n), make([]float64, n)
			hp, hm := make([]float64, n*n), make([]float64, n*n)
			for j := 0; j < n; j++ {
				e := 1e-5 * math.Max(math.Abs(th[j]), 0.1)
				tp := append([]float64(nil), th...)
				tm := append([]float64(nil), th...)
				tp[j] += e
				tm[j] -= e
				fd := (at(tp, gp, hp) - at(tm, gm, hm)) / (2 * e)
				if math.Abs(fd-g[j]) > 1e-6*math.Max(1, math.Abs(g[j])) {
					t.Errorf("%s: ∂ℓ/∂θ%d = %.10g, differences %.10g", ctx, j, g[j], fd)
				}
				for i := 0; i < n; i++ {
					fd2 := (gp[i] - gm[i]) / (2 * e)
					if math.Abs(fd2-h[i*n+j]) > 1e-5*math.Max(1, math.Abs(h[i*n+j])) {
						t.Errorf("%s: ∂²ℓ/∂θ%d∂θ%d = %.10g, differences %.10g", ctx, i, j, h[i*n+j], fd2)
					}
				}
			}
		}
	}
}

// Options metafor does not have are refused, and an interval without
// studies (with a step) is an error, as metafor.
func TestSelModelContValidation(t *testing.T) {
	r, err := Fit([]float64{0.1, 0.3, 0.5, -0.1, 0.2, 0.6, 0.25}, []float64{0.01, 0.02, 0.04, 0.03, 0.05, 0.02, 0.03}, Options{Method: ML})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []SelModelOptions{
		{Type: "gamma"},
		{Type: SelBeta, Prec: PrecSEI},
		{Type: SelBeta, Steps: []float64{0.025}},
		{Type: SelHalfNorm, Steps: []float64{0.025, 0.5}},
		{Type: SelHalfNorm, Prec: "n"},
		{Type: SelNegExp, Prec: PrecNInv}, // no sample sizes
		{Type: SelStepFun, Prec: PrecSEI},
	} {
		if _, err := SelModel(r, o); !errors.Is(err, errs.InvalidOption) {
			t.Errorf("%+v: err %v, want an invalid-option error", o, err)
		}
	}
	if _, err := SelModel(r, SelModelOptions{Type: SelNegExp, Steps: []float64{1e-9}}); !errors.Is(err, errs.TooFew) {
		t.Errorf("empty interval: err %v, want too few", err)
	}
}

// A likelihood that cannot be evaluated is a typed no-convergence error
// with the reason, never a result.
func TestSelModelContFailureIsTyped(t *testing.T) {
	l := newTestSelCont(SelBeta, []float64{0.2, math.Inf(1), 0.1}, []float64{0.01, 0.02, 0.03}, 0)
	_, err := l.newton([]float64{0.1, math.Log(0.01), 0, 0})
	if !errors.Is(err, errs.NoConvergence) || err == nil || !strings.Contains(err.Error(), "cannot be evaluated") {
		t.Errorf("err %v, want a no-convergence error saying why", err)
	}
}
