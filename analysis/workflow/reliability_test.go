package workflow

import (
	"math"
	"strings"
	"testing"
)

// Cohen's kappa on text labels equals psych 2.2.9's
// cohen.kappa(cbind(a, b))$kappa = 0.625 and the integer-coded run; an
// undeclared label is an input error at its line (issue 14).
func TestKappaTextLabels(t *testing.T) {
	a := []string{"red", "green", "blue", "red", "red", "green", "blue", "blue", "green", "red", "blue", "green"}
	b := []string{"red", "green", "green", "red", "blue", "green", "blue", "blue", "red", "red", "blue", "green"}
	code := map[string]string{"blue": "1", "green": "2", "red": "3"}
	var txt, num strings.Builder
	txt.WriteString("a,b\n")
	num.WriteString("a,b\n")
	for i := range a {
		txt.WriteString(a[i] + "," + b[i] + "\n")
		num.WriteString(code[a[i]] + "," + code[b[i]] + "\n")
	}
	rt, err := Reliability(csvSource(t, "k.csv", txt.String()), ReliabilityOptions{Items: "a,b", Kappa: true})
	if err != nil {
		t.Fatal(err)
	}
	rn, err := Reliability(csvSource(t, "k.csv", num.String()), ReliabilityOptions{Items: "a,b", Kappa: true})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(rt.Kappa.Unweighted.Kappa-0.625) > 1e-12 || rt.Kappa.Unweighted != rn.Kappa.Unweighted || rt.Kappa.Quadratic != rn.Kappa.Quadratic {
		t.Errorf("text kappa %+v, coded %+v", rt.Kappa.Unweighted, rn.Kappa.Unweighted)
	}
	if strings.Join(rt.Categories, ",") != "blue,green,red" {
		t.Errorf("categories %v", rt.Categories)
	}
	_, err = Reliability(csvSource(t, "k.csv", txt.String()), ReliabilityOptions{Items: "a,b", Kappa: true, Levels: []string{"red", "green"}})
	if err == nil || !strings.Contains(err.Error(), `k.csv:4: `) || !strings.Contains(err.Error(), `"blue" is not one of the declared levels`) {
		t.Errorf("undeclared label: %v", err)
	}
	fl, err := Reliability(csvSource(t, "k.csv", "a,b,c\nx,x,y\ny,y,y\nx,x,x\ny,x,y\n"), ReliabilityOptions{Items: "a,b,c", Kappa: true, Krippendorff: "nominal"})
	if err != nil || fl.Fleiss == nil || fl.Krippendorff == nil {
		t.Fatalf("Fleiss/Krippendorff on labels: %v", err)
	}
}
