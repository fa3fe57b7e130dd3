package simulate

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// The stationary covariance solves Σ = ΦΣΦᵀ + Ψ.
func TestPanelStationaryCov(t *testing.T) {
	p := DefaultPanelParams()
	p.AllianceToOutcome, p.OutcomeToAlliance = -1.5, 0.05
	s := p.StationaryCov()
	f := p.phi()
	rhs := mul2(mul2(f, s), tr2(f))
	c := p.InnovCorr * p.AllianceInnovSD * p.OutcomeInnovSD
	psi := [2][2]float64{{p.AllianceInnovSD * p.AllianceInnovSD, c}, {c, p.OutcomeInnovSD * p.OutcomeInnovSD}}
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			if d := s[i][j] - rhs[i][j] - psi[i][j]; math.Abs(d) > 1e-12*math.Abs(s[i][j]) {
				t.Errorf("Σ[%d][%d] = %v: residual %v", i, j, s[i][j], d)
			}
		}
	}
}

// Moments of a large simulation equal the model's: the variance of each
// score is the stable-level variance plus the stationary within variance at
// every wave, and the lag-1 cross-covariance of alliance with next-session
// outcome is ρσaσb + φ_yx Σ_xx + φ_yy Σ_xy.
func TestPanelMoments(t *testing.T) {
	p := DefaultPanelParams()
	p.Patients, p.Waves, p.MissingRate = 40000, 5, 0
	x := make([][]float64, p.Waves)
	y := make([][]float64, p.Waves)
	if _, err := Panel(p, func(rows []PanelRow) error {
		for _, r := range rows {
			x[r.Session-1] = append(x[r.Session-1], r.Alliance)
			y[r.Session-1] = append(y[r.Session-1], r.Outcome)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	s := p.StationaryCov()
	f := p.phi()
	wantVX := p.AllianceRISD*p.AllianceRISD + s[0][0]
	wantVY := p.OutcomeRISD*p.OutcomeRISD + s[1][1]
	wantC := p.RICorr*p.AllianceRISD*p.OutcomeRISD + f[1][0]*s[0][0] + f[1][1]*s[0][1]
	for _, w := range []int{0, p.Waves - 1} {
		if got := cov(x[w], x[w]); math.Abs(got/wantVX-1) > 0.04 {
			t.Errorf("wave %d: var(alliance) = %.4f, want %.4f", w+1, got, wantVX)
		}
		if got := cov(y[w], y[w]); math.Abs(got/wantVY-1) > 0.04 {
			t.Errorf("wave %d: var(outcome) = %.4f, want %.4f", w+1, got, wantVY)
		}
	}
	if got := cov(x[2], y[3]); math.Abs(got-wantC) > 0.04*math.Abs(wantC)+0.01 {
		t.Errorf("cov(alliance_3, outcome_4) = %.4f, want %.4f", got, wantC)
	}
}

func cov(a, b []float64) float64 {
	var ma, mb float64
	for i := range a {
		ma += a[i]
		mb += b[i]
	}
	ma /= float64(len(a))
	mb /= float64(len(b))
	var s float64
	for i := range a {
		s += (a[i] - ma) * (b[i] - mb)
	}
	return s / float64(len(a)-1)
}

func TestPanelCSVDeterministicAndValidated(t *testing.T) {
	p := DefaultPanelParams()
	p.Patients = 20
	var a, b bytes.Buffer
	sa, err := WritePanelCSV(&a, p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WritePanelCSV(&b, p); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatalf("same seed, different output (%v)", err)
	}
	lines := strings.Split(strings.TrimSpace(a.String()), "\n")
	if lines[0] != PanelHeader || len(lines)-1 != sa.Rows || sa.Rows+sa.Missing != 20*p.Waves {
		t.Errorf("header %q, %d lines, summary %+v", lines[0], len(lines), sa)
	}
	p.AllianceAR, p.OutcomeAR, p.AllianceToOutcome, p.OutcomeToAlliance = 0.9, 0.9, -1, 0.5
	var c bytes.Buffer
	if _, err := WritePanelCSV(&c, p); err == nil || !strings.Contains(err.Error(), "not stationary") || c.Len() != 0 {
		t.Errorf("explosive process: err %v, %d bytes written", err, c.Len())
	}
}
