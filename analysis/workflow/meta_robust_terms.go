package workflow

import (
	"fmt"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/metamv"
)

// robustTermTests adds, beside each model-based term test (--test-terms),
// its cluster-robust counterpart when the model has robust inference
// (--robust, or the three-level model's default clustering): for CR2 the
// HTZ test (Tipton & Pustejovsky 2015; clubSandwich Wald_test(test =
// "HTZ")), for CR0 and CR1 the F test with J − p denominator df (metafor
// anova(robust(res), btt)). JSON robust_term_tests beside term_tests.
func (r *MetaRun) robustTermTests() error {
	if len(r.opt.TestTerms) == 0 {
		return nil
	}
	run := func(rb *metamv.Robust, tests []meta.TermTest) ([]metamv.RobustTermTest, error) {
		if rb == nil {
			return nil, nil
		}
		out := make([]metamv.RobustTermTest, 0, len(tests))
		for _, t := range tests {
			w, err := rb.TestCoefficients(t.Terms, t.Coefs)
			if err != nil {
				return nil, invalid("TestTerms", "the cluster-robust (%s) test of %s: %s", rb.Type, strings.Join(t.Terms, ", "), strings.TrimPrefix(err.Error(), "metamv: "))
			}
			out = append(out, *w)
		}
		return out, nil
	}
	var err error
	if m := r.Model; m != nil {
		if r.RobustTermTests, err = run(r.Robust, m.TermTests); err != nil {
			return err
		}
	}
	if m := r.ThreeLevel; m != nil {
		if m.RobustTermTests, err = run(m.Robust, m.TermTests); err != nil {
			return err
		}
	}
	return nil
}

// composeRobustTermTests writes one line per robust term test of model.
func composeRobustTermTests(s *Section, model string, tests []metamv.RobustTermTest) {
	for _, t := range tests {
		stat := fmt.Sprintf("F(%s, %s) = %s", num(t.DFNum, 0), num(t.DFDenom, 1), num(t.Fstat, 2))
		how := t.Type + " cluster-robust F test"
		if t.WaldTest.Test == "HTZ" {
			how = "CR2 cluster-robust HTZ test (Tipton & Pustejovsky, 2015)"
		}
		s.P(Result, fmt.Sprintf("%s that the coefficients of %s (%s) are all zero (%s): %s, %s.",
			strings.ToUpper(how[:1])+how[1:], strings.Join(t.Terms, ", "), strings.Join(t.Coefs, ", "), model, stat, apa.P(t.P)))
	}
}

// rRobustTerms writes the R code of the robust term tests of model obj
// (robust object rob, clusters cl): Wald_test(…, "HTZ") for CR2,
// anova(rob, btt) for CR0 and CR1; vc names the coefficients.
func rRobustTerms(b *strings.Builder, obj, rob string, tests []metamv.RobustTermTest, vc *meta.NamedMatrix) {
	for _, t := range tests {
		btt := bttIndex(meta.TermTest{Coefs: t.Coefs}, vc)
		if t.Type == metamv.CR2 {
			fmt.Fprintf(b, "clubSandwich::Wald_test(%s, constraints = clubSandwich::constrain_zero(c(%s)), vcov = \"CR2\", cluster = cl, test = \"HTZ\")   # %s\n", obj, btt, strings.Join(t.Terms, ", "))
		} else {
			fmt.Fprintf(b, "anova(%s, btt = c(%s))   # %s, %s F test\n", rob, btt, strings.Join(t.Terms, ", "), t.Type)
		}
	}
}

// rRobustTermsJSON adds the robust term tests to the R list out, under
// alliance's field names.
func rRobustTermsJSON(b *strings.Builder, indent, obj, rob, out string, tests []metamv.RobustTermTest, vc *meta.NamedMatrix) {
	for i, t := range tests {
		btt := bttIndex(meta.TermTest{Coefs: t.Coefs}, vc)
		if t.Type == metamv.CR2 {
			fmt.Fprintf(b, "%sw <- clubSandwich::Wald_test(%s, constraints = clubSandwich::constrain_zero(c(%s)), vcov = \"CR2\", cluster = cl, test = \"HTZ\")\n", indent, obj, btt)
			fmt.Fprintf(b, "%s%s$robust_term_tests[[%d]] <- list(Fstat = w$Fstat, delta = w$delta, df_num = w$df_num, df_denom = w$df_denom, p = w$p_val)\n", indent, out, i+1)
		} else {
			fmt.Fprintf(b, "%sa <- anova(%s, btt = c(%s)); %s$robust_term_tests[[%d]] <- list(Fstat = a$QM, delta = 1, df_num = a$QMdf[1], df_denom = a$QMdf[2], p = a$QMp)\n", indent, rob, btt, out, i+1)
		}
	}
}

// rRobustCall is the R line that makes the robust object rob of model obj
// for the robust type typ.
func rRobustCall(obj, rob, typ string) string {
	switch typ {
	case metamv.CR2:
		return fmt.Sprintf("%[2]s <- robust(%[1]s, cluster = cl, clubSandwich = TRUE); %[2]s   # CR2, Satterthwaite df\n", obj, rob)
	case metamv.CR0:
		return fmt.Sprintf("%[2]s <- robust(%[1]s, cluster = cl, adjust = FALSE); %[2]s        # CR0\n", obj, rob)
	}
	return fmt.Sprintf("%[2]s <- robust(%[1]s, cluster = cl, adjust = TRUE); %[2]s         # CR1\n", obj, rob)
}
