package effectsize

import "math"

// RFromD returns the correlation equivalent to a standardised mean
// difference d between groups of sizes n1 and n2,
//
//	r = d / √(d² + a),   a = (n₁ + n₂)² / (n₁n₂),
//
// and its variance from the variance vd of d,
//
//	vr = a² vd / (d² + a)³
//
// (Borenstein, Hedges, Higgins & Rothstein 2009, Introduction to
// Meta-Analysis, ch. 7, "Converting among effect sizes"). With equal
// groups a = 4. It needs finite d, vd ≥ 0 and n1, n2 > 0.
func RFromD(d, vd, n1, n2 float64) (r, vr float64, err error) {
	a, err := groupsA("RFromD", n1, n2)
	if err != nil {
		return 0, 0, err
	}
	if !finite(d) {
		return 0, 0, inputErr("RFromD", "d", -1, d, "d is not a finite number")
	}
	if !finite(vd) || vd < 0 {
		return 0, 0, inputErr("RFromD", "vd", -1, vd, "a variance must be a finite non-negative number")
	}
	s := d*d + a
	return d / math.Sqrt(s), a * a * vd / (s * s * s), nil
}

// DFromR returns the standardised mean difference equivalent to a
// correlation r between a two-group indicator (groups of sizes n1 and n2)
// and an outcome, inverting RFromD,
//
//	d = r √a / √(1 − r²),   a = (n₁ + n₂)² / (n₁n₂),
//
// and its variance from the variance vr of r,
//
//	vd = vr (d² + a)³ / a²,
//
// which for equal groups (a = 4) is Borenstein et al.'s (2009, ch. 7)
// d = 2r/√(1 − r²) and vd = 4vr/(1 − r²)³. It needs −1 < r < 1, vr ≥ 0 and
// n1, n2 > 0.
func DFromR(r, vr, n1, n2 float64) (d, vd float64, err error) {
	a, err := groupsA("DFromR", n1, n2)
	if err != nil {
		return 0, 0, err
	}
	if err := checkR("DFromR", -1, r); err != nil {
		return 0, 0, err
	}
	if !finite(vr) || vr < 0 {
		return 0, 0, inputErr("DFromR", "vr", -1, vr, "a variance must be a finite non-negative number")
	}
	d = r * math.Sqrt(a) / math.Sqrt((1-r)*(1+r))
	s := d*d + a
	return d, vr * s * s * s / (a * a), nil
}

// RFromDEqual is RFromD for equal group sizes: r = d/√(d² + 4)
// (Borenstein et al. 2009, ch. 7). It needs a finite d.
func RFromDEqual(d float64) (float64, error) {
	if !finite(d) {
		return 0, inputErr("RFromDEqual", "d", -1, d, "d is not a finite number")
	}
	return d / math.Sqrt(d*d+4), nil
}

// DFromREqual is DFromR for equal group sizes: d = 2r/√(1 − r²)
// (Borenstein et al. 2009, ch. 7). It needs −1 < r < 1.
func DFromREqual(r float64) (float64, error) {
	if err := checkR("DFromREqual", -1, r); err != nil {
		return 0, err
	}
	return 2 * r / math.Sqrt((1-r)*(1+r)), nil
}

// VarD returns the large-sample variance of a standardised mean difference d
// between groups of sizes n1 and n2,
//
//	vd = (n₁ + n₂)/(n₁n₂) + d² / (2(n₁ + n₂))
//
// (Borenstein et al. 2009, ch. 4). It needs a finite d and n1, n2 > 0.
func VarD(d, n1, n2 float64) (float64, error) {
	if _, err := groupsA("VarD", n1, n2); err != nil {
		return 0, err
	}
	if !finite(d) {
		return 0, inputErr("VarD", "d", -1, d, "d is not a finite number")
	}
	return (n1+n2)/(n1*n2) + d*d/(2*(n1+n2)), nil
}

func groupsA(fn string, n1, n2 float64) (float64, error) {
	if !finite(n1) || n1 <= 0 {
		return 0, inputErr(fn, "n1", -1, n1, "a group size must be positive")
	}
	if !finite(n2) || n2 <= 0 {
		return 0, inputErr(fn, "n2", -1, n2, "a group size must be positive")
	}
	return (n1 + n2) * (n1 + n2) / (n1 * n2), nil
}
