// Package measures scores questionnaires: alliance measures (WAI-SR, WAI-S, SAI,
// SRS, HAq-II) and outcome measures (PHQ-9, GAD-7, CORE-10, CORE-OM, OQ-45,
// BDI-II).
//
// A scoring key is data, not code: the number of items, the response range,
// the reversed items, the subscales, the scoring rule (sum or mean, with an
// optional multiplier), severity bands, and the published cut-off and
// reliable-change values. The built-in keys are embedded JSON files (keys/)
// and hold no item texts, which are copyrighted. Each key's Description says
// where it comes from and which details are not verified against the
// authoritative source; a key that is known to be incomplete (Incomplete
// non-empty) is refused by Score unless the caller allows it. Users supply
// their own keys with LoadKey.
package measures
