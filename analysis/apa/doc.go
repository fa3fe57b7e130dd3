// Package apa formats numbers for text output in the style of the APA
// Publication Manual (7th ed., §6.36–6.41): p-values with three decimals and
// "p < .001", no leading zero for quantities that cannot exceed 1 (r, p),
// confidence intervals as "95% CI [.09, .21]", and a typographic minus sign
// (U+2212 "−") for negative numbers.
package apa
