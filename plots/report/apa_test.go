package report

import (
	"testing"

	"github.com/alliance-research/alliance/analysis/workflow"
)

func TestAPA(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"r = .27, 95% CI [.21, .33], p < .001", "<i>r</i> = .27, 95% CI [.21, .33], <i>p</i> &lt; .001"},
		{"Q_M(2) = 4.1, Q_E = 3", "<i>Q</i><sub>M</sub>(2) = 4.1, <i>Q</i><sub>E</sub> = 3"},
		{"RCI = (post − pre)/S_diff, S_diff = √2·SD_pre", "RCI = (post − pre)/<i>S</i><sub>diff</sub>, <i>S</i><sub>diff</sub> = √2·<i>SD</i><sub>pre</sub>"},
		{"I² = 45%, τ² = .01, σ² between studies", "<i>I</i><sup>2</sup> = 45%, <i>τ</i><sup>2</sup> = .01, <i>σ</i><sup>2</sup> between studies"},
		{"t(11) = 2.1; F(1, 10); M = 3 (SD = 1), SE = .2, df = 4, N = 9, n = 3, b = −1, k = 12, z = 2, χ²(1) = 3, H² = 1",
			"<i>t</i>(11) = 2.1; <i>F</i>(1, 10); <i>M</i> = 3 (<i>SD</i> = 1), <i>SE</i> = .2, <i>df</i> = 4, <i>N</i> = 9, <i>n</i> = 3, <i>b</i> = −1, <i>k</i> = 12, <i>z</i> = 2, <i>χ</i><sup>2</sup>(1) = 3, <i>H</i><sup>2</sup> = 1"},
		{"Note. Read t.csv; don't panic; a pretest of SDs", "<em>Note.</em> Read t.csv; don&#39;t panic; a pretest of SDs"},
		{"<tag>bold</tag> & Q", "&lt;tag&gt;bold&lt;/tag&gt; &amp; <i>Q</i>"},
		{"Kernel density, the session", "Kernel density, the session"},
		{"marginal R² = .13; Hedges' g = 0.62, d = .5; the dg column, R2", "marginal <i>R</i><sup>2</sup> = .13; Hedges&#39; <i>g</i> = 0.62, <i>d</i> = .5; the dg column, R2"},
	} {
		if got := string(APA(c.in)); got != c.want {
			t.Errorf("APA(%q)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

func TestCitationHTML(t *testing.T) {
	c := workflow.Citation{Before: "A & B (2000). T. ", Italic: "J <x>, 1", After: "(2), 3."}
	if got := string(citationHTML(c)); got != "A &amp; B (2000). T. <i>J &lt;x&gt;, 1</i>(2), 3." {
		t.Errorf("got %s", got)
	}
}
