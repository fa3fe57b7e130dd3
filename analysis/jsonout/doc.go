// Package jsonout writes analysis results as JSON for people and programs:
// like encoding/json (field names from `json` tags, embedded structs
// flattened, omitempty, json.Marshaler), except that a non-finite float —
// the way the analysis packages mark an undefined quantity, such as the
// p-value of a test that cannot be computed — is written as null instead of
// failing the whole document. The command-line program and the HTML report
// use it for every JSON file they write.
package jsonout
