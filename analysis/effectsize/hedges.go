package effectsize

import "math"

// HedgesJ returns the exact small-sample correction factor of a
// standardised mean difference with df degrees of freedom,
//
//	J(df) = Γ(df/2) / (√(df/2) Γ((df − 1)/2))
//
// (Hedges 1981, J. Educ. Stat. 6, 107–128; metafor's internal
// .cmicalc). For df ≥ 100 the log-gamma difference is evaluated with
// Stirling's series and log1p, which avoids the cancellation of two large
// log-gamma values. It needs df > 1.
func HedgesJ(df float64) (float64, error) {
	if !finite(df) || df <= 1 {
		return 0, inputErr("HedgesJ", "df", -1, df, "the correction needs df > 1 (df = n1 + n2 - 2)")
	}
	return hedgesJ(df), nil
}

func hedgesJ(df float64) float64 {
	x := df / 2
	if df < 100 {
		return math.Exp(lgam(x) - lgam(x-0.5) - 0.5*math.Log(x))
	}
	// log Γ(x) − log Γ(x − ½) − ½ log x
	//   = −(x − 1) log1p(−1/(2x)) − ½ + S(x) − S(x − ½),
	// with S(y) = 1/(12y) − 1/(360y³) + 1/(1260y⁵) − 1/(1680y⁷) the
	// Stirling correction (error below 1e-20 for y ≥ 49.5).
	l := -(x-1)*math.Log1p(-0.5/x) - 0.5 + stirlingS(x) - stirlingS(x-0.5)
	return math.Exp(l)
}

func stirlingS(y float64) float64 {
	y2 := y * y
	return (1.0/12 - (1.0/360-(1.0/1260-1.0/(1680*y2))/y2)/y2) / y
}

// HedgesJApprox returns Hedges' (1981) approximation to the correction factor,
//
//	J(df) ≈ 1 − 3 / (4df − 1).
//
// It needs df > 1.
func HedgesJApprox(df float64) (float64, error) {
	if !finite(df) || df <= 1 {
		return 0, inputErr("HedgesJApprox", "df", -1, df, "the correction needs df > 1 (df = n1 + n2 - 2)")
	}
	return 1 - 3/(4*df-1), nil
}

// HedgesG returns Hedges' g, the bias-corrected standardised mean difference,
// from Cohen's d between groups of sizes n1 and n2, and its sampling variance:
//
//	g = J(n₁ + n₂ − 2) · d,   vg = 1/n₁ + 1/n₂ + g² / (2(n₁ + n₂)),
//
// with the exact J of HedgesJ: metafor's escalc(measure = "SMD") with vtype
// LS (Hedges 1981; Borenstein et al. 2009, ch. 4). It needs a finite d and
// n1 + n2 > 3.
func HedgesG(d, n1, n2 float64) (g, vg float64, err error) {
	if _, err := groupsA("HedgesG", n1, n2); err != nil {
		return 0, 0, err
	}
	if !finite(d) {
		return 0, 0, inputErr("HedgesG", "d", -1, d, "d is not a finite number")
	}
	df := n1 + n2 - 2
	if df <= 1 {
		return 0, 0, inputErr("HedgesG", "n1", -1, n1, "the correction needs n1 + n2 - 2 > 1")
	}
	g = hedgesJ(df) * d
	return g, 1/n1 + 1/n2 + g*g/(2*(n1+n2)), nil
}

// DFromG returns Cohen's d from Hedges' g with df = n₁ + n₂ − 2 degrees of
// freedom, d = g / J(df), inverting HedgesG's correction. It needs a finite g
// and df > 1.
func DFromG(g, df float64) (float64, error) {
	if !finite(g) {
		return 0, inputErr("DFromG", "g", -1, g, "g is not a finite number")
	}
	if !finite(df) || df <= 1 {
		return 0, inputErr("DFromG", "df", -1, df, "the correction needs df > 1 (df = n1 + n2 - 2)")
	}
	return g / hedgesJ(df), nil
}
