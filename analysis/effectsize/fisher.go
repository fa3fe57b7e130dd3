package effectsize

import "math"

// FisherZ returns Fisher's (1921) r-to-z transformation
//
//	z = atanh(r) = ½ log((1 + r)/(1 − r)),
//
// metafor's transf.rtoz. It needs −1 < r < 1.
func FisherZ(r float64) (float64, error) {
	if err := checkR("FisherZ", -1, r); err != nil {
		return 0, err
	}
	return fisherZ(r), nil
}

// ZToR returns the back-transformation r = tanh(z) = (e^{2z} − 1)/(e^{2z} + 1),
// metafor's transf.ztor. It is defined for every z, and ±Inf map to ±1; NaN is
// reported.
func ZToR(z float64) (float64, error) {
	if math.IsNaN(z) {
		return 0, inputErr("ZToR", "z", -1, z, "not a number")
	}
	return math.Tanh(z), nil
}

func fisherZ(r float64) float64 { return math.Atanh(r) }
