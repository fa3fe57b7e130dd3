package reliability

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
)

// ICCOptions controls ICC.
type ICCOptions struct {
	// Level is the confidence level of the intervals; 0 means 0.95
	// (psych's alpha = 0.05).
	Level float64
	// DropIncomplete drops targets (rows) with any missing rating and
	// reports how many in ICCResult.Dropped. Without it a missing rating is
	// an error, as in psych::ICC(lmer = FALSE), which stops and suggests
	// na.omit; with it the result equals psych::ICC(na.omit(x), lmer = FALSE).
	DropIncomplete bool
}

// ICCRow is one of the six Shrout & Fleiss (1979) intraclass correlations.
type ICCRow struct {
	// Type is ICC1, ICC2, ICC3 (single rater) or ICC1k, ICC2k, ICC3k (mean
	// of k raters), as psych names them; Model says the same in words.
	Type  string  `json:"type"`
	Model string  `json:"model"`
	ICC   float64 `json:"icc"`
	// F, DF1, DF2 and P are the F test of ICC = 0.
	F   float64 `json:"F"`
	DF1 float64 `json:"df1"`
	DF2 float64 `json:"df2"`
	P   float64 `json:"p"`
	// Lower and Upper bound the confidence interval.
	Lower float64 `json:"lower"`
	Upper float64 `json:"upper"`
}

// ICCResult is the output of ICC.
type ICCResult struct {
	// NObs targets rated by NJudge raters, after Dropped incomplete rows.
	NObs    int `json:"n_obs"`
	NJudge  int `json:"n_judge"`
	Dropped int `json:"dropped"`
	// Mean squares of the two-way ANOVA: between targets (MSB), between
	// judges (MSJ), residual (MSE), and within targets (MSW, pooling judges
	// and residual: (SSJ + SSE)/(dfJ + dfE)).
	MSB float64 `json:"MSB"`
	MSJ float64 `json:"MSJ"`
	MSE float64 `json:"MSE"`
	MSW float64 `json:"MSW"`
	// Level is the confidence level of the intervals.
	Level float64 `json:"level"`
	// Rows are ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k in that order.
	Rows []ICCRow `json:"icc"`
}

// ICC computes the six intraclass correlations of Shrout & Fleiss (1979)
// from ratings (rows = targets, columns = raters), reproducing
// psych::ICC(x, lmer = FALSE) 2.2.9. With n targets, k raters and the mean
// squares of the two-way ANOVA (see ICCResult):
//
//	ICC1  = (MSB − MSW)/(MSB + (k−1)MSW)           F = MSB/MSW, df n−1, n(k−1)
//	ICC2  = (MSB − MSE)/(MSB + (k−1)MSE + k(MSJ − MSE)/n)
//	ICC3  = (MSB − MSE)/(MSB + (k−1)MSE)           F = MSB/MSE, df n−1, (n−1)(k−1)
//	ICC1k = (MSB − MSW)/MSB
//	ICC2k = (MSB − MSE)/(MSB + (MSJ − MSE)/n)
//	ICC3k = (MSB − MSE)/MSB
//
// ICC2 and ICC2k are tested with MSB/MSE, as psych does. Intervals: for
// ICC1 and ICC3 from F_L = F/F_{1−a/2}(df1, df2), F_U = F·F_{1−a/2}(df2, df1),
// giving (F_L − 1)/(F_L + k − 1) and 1 − 1/F_L for the average forms; for
// ICC2 Satterthwaite's approximate df v as in Shrout & Fleiss (1979, eq. 13)
// and psych (McGraw & Wong 1996, Table 7).
//
// Missing ratings are an error unless DropIncomplete. One rater, one target,
// or ratings with no variance at all are errors; ratings in perfect
// agreement (MSE = MSW = 0 with MSB > 0) give ICC = 1 and F = +Inf; with
// MSE = 0 but raters differing by constants (MSJ > 0) the ICC2 interval uses
// the limit of Satterthwaite's df as MSE → 0, v = k − 1.
func ICC(ratings [][]float64, opt ICCOptions) (ICCResult, error) {
	var res ICCResult
	_, k, err := checkRect(ratings, "ICC")
	if err != nil {
		return res, err
	}
	level := opt.Level
	if level == 0 {
		level = 0.95
	}
	if !(level > 0 && level < 1) {
		return res, errs.New(errs.InvalidOption, "reliability: ICC", "confidence level %v is not in (0, 1)", level)
	}
	if k < 2 {
		return res, errs.New(errs.TooFew, "reliability: ICC", "%d rater (column); an intraclass correlation needs at least 2", k)
	}
	n, ssT, ssB, ssJ, err := iccSquares(ratings, opt.DropIncomplete, &res.Dropped)
	if err != nil {
		return res, err
	}
	fn, fk := float64(n), float64(k)
	ssE := ssT - ssB - ssJ
	if ssE < 0 {
		ssE = 0
	}
	if !(ssT > 0) {
		return res, errs.New(errs.Singular, "reliability: ICC", "all %d ratings are equal; the intraclass correlation is undefined", n*k)
	}
	dfB, dfJ, dfE := fn-1, fk-1, (fn-1)*(fk-1)
	msb, msj, mse := ssB/dfB, ssJ/dfJ, ssE/dfE
	msw := (ssJ + ssE) / (dfJ + dfE)
	res.NObs, res.NJudge, res.Level = n, k, level
	res.MSB, res.MSJ, res.MSE, res.MSW = msb, msj, mse, msw

	a := 1 - level
	icc1 := (msb - msw) / (msb + (fk-1)*msw)
	icc2 := (msb - mse) / (msb + (fk-1)*mse + fk*(msj-mse)/fn)
	icc3 := (msb - mse) / (msb + (fk-1)*mse)
	icc1k := (msb - msw) / msb
	icc2k := (msb - mse) / (msb + (msj-mse)/fn)
	icc3k := (msb - mse) / msb

	df11n, df11d := fn-1, fn*(fk-1)
	df21n, df21d := fn-1, (fn-1)*(fk-1)
	f11 := msb / msw
	f21 := msb / mse
	p11 := fUpper(f11, df11n, df11d)
	p21 := fUpper(f21, df21n, df21d)

	f1L := f11 / fQuantile(1-a/2, df11n, df11d)
	f1U := f11 * fQuantile(1-a/2, df11d, df11n)
	f3L := f21 / fQuantile(1-a/2, df21n, df21d)
	f3U := f21 * fQuantile(1-a/2, df21d, df21n)
	single := func(f float64) float64 {
		if math.IsInf(f, 1) {
			return 1
		}
		return (f - 1) / (f + fk - 1)
	}
	average := func(f float64) float64 { return 1 - 1/f }

	l2, u2 := icc2Interval(msb, msj, mse, fn, fk, icc2, a)
	l2k := l2 * fk / (1 + l2*(fk-1))
	u2k := u2 * fk / (1 + u2*(fk-1))

	res.Rows = []ICCRow{
		{"ICC1", "single rater, absolute (one-way random)", icc1, f11, df11n, df11d, p11, single(f1L), single(f1U)},
		{"ICC2", "single rater, random raters (two-way random, absolute agreement)", icc2, f21, df21n, df21d, p21, l2, u2},
		{"ICC3", "single rater, fixed raters (two-way mixed, consistency)", icc3, f21, df21n, df21d, p21, single(f3L), single(f3U)},
		{"ICC1k", "mean of k raters, absolute (one-way random)", icc1k, f11, df11n, df11d, p11, average(f1L), average(f1U)},
		{"ICC2k", "mean of k raters, random raters", icc2k, f21, df21n, df21d, p21, l2k, u2k},
		{"ICC3k", "mean of k raters, fixed raters", icc3k, f21, df21n, df21d, p21, average(f3L), average(f3U)},
	}
	return res, nil
}

func sq(x float64) float64 { return x * x }

// iccSquares returns, over the n complete rows (targets), the total,
// between-target and between-rater sums of squares of the two-way layout:
//
//	SS_T = Σᵢⱼ (xᵢⱼ − x̄)²,  SS_B = k Σᵢ (x̄ᵢ. − x̄)²,  SS_J = n Σⱼ (x̄.ⱼ − x̄)².
//
// Incomplete rows are counted in dropped when dropIncomplete, an input
// error otherwise.
func iccSquares(ratings [][]float64, dropIncomplete bool, dropped *int) (n int, ssT, ssB, ssJ float64, err error) {
	// Pass 1: complete rows, grand and column sums.
	k := len(ratings[0])
	colSum := make([]float64, k)
	var grand float64
	for i, row := range ratings {
		complete := true
		for _, v := range row {
			if math.IsNaN(v) {
				complete = false
				break
			}
		}
		if !complete {
			if !dropIncomplete {
				return 0, 0, 0, 0, errs.Inputf("reliability: ICC", i+1, "a rating is missing").WithHint("drop-incomplete").WithAdvice("drop incomplete rows with ICCOptions.DropIncomplete, as psych's na.omit")
			}
			*dropped++
			continue
		}
		n++
		for j, v := range row {
			colSum[j] += v
			grand += v
		}
	}
	if n < 2 {
		return 0, 0, 0, 0, errs.New(errs.TooFew, "reliability: ICC", "%d complete target(s) (rows) of %d; need at least 2", n, len(ratings))
	}
	fn, fk := float64(n), float64(k)
	gm := grand / (fn * fk)
	// Pass 2: sums of squares.
	for _, row := range ratings {
		var s float64
		skip := false
		for _, v := range row {
			if math.IsNaN(v) {
				skip = true
				break
			}
			s += v
		}
		if skip {
			continue
		}
		d := s/fk - gm
		ssB += d * d
		for _, v := range row {
			ssT += (v - gm) * (v - gm)
		}
	}
	ssB *= fk
	for _, s := range colSum {
		d := s/fn - gm
		ssJ += d * d
	}
	ssJ *= fn
	return n, ssT, ssB, ssJ, nil
}

// icc2Interval is the confidence interval of ICC2 at level 1 − a, with
// Satterthwaite's df v for the denominator (Shrout & Fleiss 1979;
// psych::ICC).
func icc2Interval(msb, msj, mse, fn, fk, icc2, a float64) (l2, u2 float64) {
	fj := msj / mse
	vn := (fk - 1) * (fn - 1) * sq(fk*icc2*fj+fn*(1+(fk-1)*icc2)-fk*icc2)
	vd := (fn-1)*fk*fk*icc2*icc2*fj*fj + sq(fn*(1+(fk-1)*icc2)-fk*icc2)
	v := vn / vd
	if mse == 0 {
		v = fk - 1 // the limit of v as MSE → 0 with ICC2 fixed
	}
	if msj > 0 || mse > 0 {
		fu := fQuantile(1-a/2, fn-1, v)
		fl := fQuantile(1-a/2, v, fn-1)
		den := fk*msj + (fk*fn-fk-fn)*mse
		l2 = fn * (msb - fu*mse) / (fu*den + fn*msb)
		u2 = fn * (fl*msb - mse) / (den + fn*fl*msb)
	} else {
		l2, u2 = 1, 1
	}
	return l2, u2
}
