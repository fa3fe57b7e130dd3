package datasets_test

import (
	"fmt"

	"github.com/alliance-research/alliance/datasets"
)

// A label that shows nothing cannot name a patient or a study.
func ExampleInvisible() {
	for _, l := range []string{"p01", "\x00\x00", "\u200b", " a "} {
		fmt.Printf("%q %v\n", l, datasets.Invisible(l))
	}
	// Output:
	// "p01" false
	// "\x00\x00" true
	// "\u200b" true
	// " a " false
}
