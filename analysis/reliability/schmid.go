package reliability

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// SchmidResult is the Schmid–Leiman (1957) orthogonalisation of an oblique
// factor solution, field for field psych::schmid's sl, orthog, oblique, phi
// and gloading. Matrices are [item][factor].
type SchmidResult struct {
	NFactors int `json:"nfactors"`
	// G holds the items' loadings on the general factor, Λg (column g of
	// psych's sl).
	G []float64 `json:"g"`
	// Group holds the residualised group-factor loadings
	// sign(λ_ij)·sqrt(λ_ij²(1 − g_j²)) (columns F1*, F2*, ... of sl).
	Group [][]float64 `json:"group"`
	// H2 are the communalities Σ_j o_ij² of the orthogonal (varimax)
	// solution, U2 = 1 − H2 the uniquenesses, and P2 = G²/H2 the share of
	// each item's common variance due to g.
	H2 []float64 `json:"h2"`
	U2 []float64 `json:"u2"`
	P2 []float64 `json:"p2"`
	// Orthogonal is the varimax-rotated minres solution, Oblique its
	// oblimin rotation, and Phi the oblique factors' correlations.
	Orthogonal [][]float64 `json:"orthog"`
	Oblique    [][]float64 `json:"oblique"`
	Phi        [][]float64 `json:"phi"`
	// GLoadings are the loadings g of the oblique factors on the
	// second-order general factor.
	GLoadings []float64 `json:"gloading"`
}

// Schmid computes the Schmid–Leiman transformation of the correlation
// matrix r with nfactors group factors, as psych::schmid(r, nfactors,
// fm = "minres", rotate = "oblimin", option = "equal") 2.2.9:
//
//  1. fit nfactors minres factors and rotate them by varimax (FactorAnalysis);
//  2. rotate those loadings by oblimin (γ = 0) from the identity, giving the
//     pattern Λ and factor correlations Φ (psych does not reorder or reflect
//     the oblimin factors at this step);
//  3. factor Φ for a general factor: with three or more factors the g
//     loadings g are a one-factor minres solution of Φ; with two, g₁ = g₂ =
//     sqrt|φ₁₂| (the second signed as φ₁₂; psych's option "equal"), the
//     solution not being identified; with one, g = 1;
//  4. the general-factor loadings are Λg; the group-factor loadings are
//     sign(λ_ij)·sqrt(max(0, λ_ij² − (λ_ij g_j)²)).
//
// Reference: Schmid & Leiman (1957); Revelle, psych::schmid.
func Schmid(r [][]float64, nfactors int) (SchmidResult, error) {
	s, err := corrInput(r, "schmid")
	if err != nil {
		return SchmidResult{}, err
	}
	return schmid(s, nfactors)
}

func schmid(s *mat.SymDense, nf int) (SchmidResult, error) {
	var res SchmidResult
	p := s.SymmetricDim()
	fa, err := factorAnalysis(s, FAOptions{NFactors: nf, Rotation: RotateVarimax})
	if err != nil {
		return res, err
	}
	orth := fa.Loadings
	res.NFactors = nf
	res.Orthogonal = orth
	var pattern [][]float64
	var phi [][]float64
	var gload []float64
	switch {
	case nf == 1:
		pattern = orth
		phi = [][]float64{{1}}
		gload = []float64{1}
	default:
		ob, err := Oblimin(mat.NewDense(p, nf, flatten(orth)), 0)
		if err != nil {
			return res, fmt.Errorf("reliability: schmid: %w", err)
		}
		pattern, phi = denseRows(ob.Loadings), denseRows(ob.Phi)
		if nf == 2 {
			r12 := phi[0][1]
			a := math.Sqrt(math.Abs(r12))
			gload = []float64{a, math.Copysign(a, r12)}
			if r12 == 0 {
				gload[1] = 0
			}
		} else {
			gf, err := factorAnalysis(mat.NewSymDense(nf, flatten(phi)), FAOptions{NFactors: 1, Rotation: RotateNone})
			if err != nil {
				return res, fmt.Errorf("reliability: schmid: general factor of the factor correlations: %w", err)
			}
			gload = make([]float64, nf)
			for j := range gload {
				gload[j] = gf.Loadings[j][0]
			}
		}
	}
	res.Oblique, res.Phi, res.GLoadings = pattern, phi, gload
	res.G = make([]float64, p)
	res.Group = make([][]float64, p)
	res.H2 = make([]float64, p)
	res.U2 = make([]float64, p)
	res.P2 = make([]float64, p)
	for i := 0; i < p; i++ {
		res.Group[i] = make([]float64, nf)
		var h2 float64
		for j := 0; j < nf; j++ {
			res.G[i] += pattern[i][j] * gload[j]
			h2 += orth[i][j] * orth[i][j]
			l := pattern[i][j]
			u := l*l - sq(l*gload[j])
			if u < 0 {
				u = 0
			}
			v := math.Sqrt(u)
			if l < 0 {
				v = -v
			}
			res.Group[i][j] = v
		}
		res.H2[i] = h2
		res.U2[i] = s.At(i, i) - h2
		res.P2[i] = res.G[i] * res.G[i] / h2
	}
	return res, nil
}

// flatten returns the rows of a concatenated, for mat.NewDense.
func flatten(a [][]float64) []float64 {
	var out []float64
	for _, row := range a {
		out = append(out, row...)
	}
	return out
}
