package meta

import (
	"fmt"
	"strconv"
	"strings"
)

// RCode returns R code that fits the same model with metafor, so a reviewer
// can check the numbers. data is an R expression for the data frame holding
// the original columns (e.g. `read.csv("studies.csv")`); for measures
// ZCOR/COR it is passed through escalc(measure, ri = ri, ni = ni), so its
// columns must be named ri and ni (and yi, vi otherwise) plus the
// moderators (and w, the user weights, if any). With data == "" the code carries the analysed yi, vi and
// moderators inline, which reproduces the fit exactly.
func (r *Result) RCode(data string) string {
	var b strings.Builder
	b.WriteString("library(metafor)\n")
	if data == "" {
		b.WriteString("dat <- data.frame(\n")
		fmt.Fprintf(&b, "  yi = %s,\n  vi = %s", rNum(r.Yi), rNum(r.Vi))
		if r.d.a != nil {
			fmt.Fprintf(&b, ",\n  w = %s", rNum(r.d.a))
		}
		for _, m := range r.d.mods {
			if m.Numeric != nil {
				fmt.Fprintf(&b, ",\n  %s = %s", rName(m.Name), rNum(m.Numeric))
			} else {
				fmt.Fprintf(&b, ",\n  %s = %s", rName(m.Name), rStr(m.Text))
			}
		}
		b.WriteString(")\n")
	} else if r.Measure == "ZCOR" || r.Measure == "COR" {
		fmt.Fprintf(&b, "dat <- escalc(measure = %q, ri = ri, ni = ni, data = %s)\n", r.Measure, data)
	} else {
		fmt.Fprintf(&b, "dat <- %s\n", data)
	}
	b.WriteString("res <- rma(yi, vi")
	if len(r.d.mods) > 0 {
		names := make([]string, len(r.d.mods))
		for i, m := range r.d.mods {
			names[i] = rName(m.Name)
		}
		fmt.Fprintf(&b, ", mods = ~ %s", strings.Join(names, " + "))
	}
	if r.d.a != nil {
		// User weights: the column w (inline, or named w in data).
		b.WriteString(", weights = w")
	}
	fmt.Fprintf(&b, ", data = dat, method = %q, test = %q", r.Method, r.Test)
	if r.Level != 0.95 {
		fmt.Fprintf(&b, ", level = %s", strconv.FormatFloat(100*r.Level, 'g', -1, 64))
	}
	if r.opt.Tau2 != nil {
		fmt.Fprintf(&b, ", tau2 = %s", strconv.FormatFloat(*r.opt.Tau2, 'g', 17, 64))
	}
	b.WriteString(",\n           control = list(threshold = 1e-10, maxiter = 1000, tol = 1e-12))\n")
	b.WriteString("summary(res)\n")
	if r.Method != FE && r.Method != EE && r.K > r.P {
		if r.Method == GENQ || r.Method == GENQM {
			b.WriteString("# confint's generalised Q-profile bounds (type \"GENQ\", needs CompQuadForm) are solved with\n# uniroot's default tolerance (about 1e-4); alliance's to 1e-12\n")
		}
		b.WriteString("confint(res)\n")
	}
	if r.P == 1 {
		if r.Measure == "ZCOR" {
			b.WriteString("predict(res, transf = transf.ztor)\n")
		} else {
			b.WriteString("predict(res)\n")
		}
	}
	return b.String()
}

func rNum(x []float64) string {
	s := make([]string, len(x))
	for i, v := range x {
		s[i] = strconv.FormatFloat(v, 'g', 17, 64)
	}
	return "c(" + strings.Join(s, ", ") + ")"
}

func rStr(x []string) string {
	s := make([]string, len(x))
	for i, v := range x {
		s[i] = strconv.Quote(v)
	}
	return "c(" + strings.Join(s, ", ") + ")"
}

// rName quotes a name with backticks when it is not a syntactic R name.
func rName(n string) string {
	ok := n != ""
	for i, c := range n {
		if !(c == '.' || c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			ok = false
		}
	}
	if ok {
		return n
	}
	return "`" + strings.ReplaceAll(n, "`", "\\`") + "`"
}
