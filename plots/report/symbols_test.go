package report

import (
	"regexp"
	"strings"
	"testing"
)

// TestDemoReportTermsAndSymbols renders the demo report and checks that
// metafor's internal term name "intrcpt" appears nowhere (the report says
// "Intercept"), and that every table head which is a statistical symbol
// (k, b, p, z, r, N, SE, …) is set in italics.
func TestDemoReportTermsAndSymbols(t *testing.T) {
	doc, parts := demo(t)
	page := string(render(t, doc, parts, Options{NoPDF: true, DPI: 72})["index.html"])
	if i := strings.Index(page, "intrcpt"); i >= 0 {
		t.Errorf("report shows metafor's %q: …%s…", "intrcpt", page[max(0, i-60):min(len(page), i+30)])
	}
	if !strings.Contains(page, ">Intercept<") {
		t.Errorf("report has no Intercept row in its coefficient tables")
	}
	symbols := map[string]bool{"k": true, "b": true, "p": true, "z": true, "r": true, "N": true, "n": true,
		"SE": true, "t": true, "df": true, "F": true, "M": true, "SD": true, "Q": true}
	italic := 0
	for _, m := range regexp.MustCompile(`<th[^>]*>(.*?)</th>`).FindAllStringSubmatch(page, -1) {
		head := strings.TrimSpace(m[1])
		if symbols[head] {
			t.Errorf("table head %q is a statistical symbol but is not in <i> or <em>", head)
		}
		if mm := regexp.MustCompile(`^<(i|em)>([^<]+)</(i|em)>`).FindStringSubmatch(head); mm != nil && symbols[mm[2]] {
			italic++
		}
	}
	if italic == 0 {
		t.Errorf("no italic symbol heads found in the demo report's tables")
	}
}
