package workflow

import "testing"

// TestChoicesAreAccepted: every τ² estimator and test the front ends offer
// is accepted by the meta-analysis, every centring by the session model,
// and a word outside the lists is refused.
func TestChoicesAreAccepted(t *testing.T) {
	studies := sessEmbedded(t, "demo-studies")
	for _, m := range Tau2Methods {
		o := MetaOptions{Method: m}
		if m == "GENQ" || m == "GENQM" {
			o.Weights = "ni" // the generalised Q estimators need user weights
		}
		if _, err := Meta(studies, o); err != nil {
			t.Errorf("method %s: %v", m, err)
		}
	}
	for _, test := range MetaTests {
		if _, err := Meta(studies, MetaOptions{Test: test}); err != nil {
			t.Errorf("test %s: %v", test, err)
		}
	}
	if _, err := Meta(studies, MetaOptions{Method: "XX"}); err == nil {
		t.Error("method XX accepted")
	}
	sess := sessEmbedded(t, "demo-sessions")
	for _, c := range Centrings {
		if _, err := Sessions(sess, SessionsOptions{Centring: c}); err != nil {
			t.Errorf("centring %s: %v", c, err)
		}
	}
	if _, err := Sessions(sess, SessionsOptions{Centring: "grand"}); err == nil {
		t.Error("centring grand accepted")
	}
}

// PoolTau2Methods are Tau2Methods without the two that need user weights.
func TestPoolTau2Methods(t *testing.T) {
	if len(PoolTau2Methods) != len(Tau2Methods)-2 {
		t.Fatalf("%v", PoolTau2Methods)
	}
	for _, m := range PoolTau2Methods {
		if m == "GENQ" || m == "GENQM" {
			t.Errorf("%s offered where no weights can be given", m)
		}
	}
}
