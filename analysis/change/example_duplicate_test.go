package change_test

import (
	"errors"
	"fmt"

	"github.com/alliance-research/alliance/analysis/change"
)

// A patient with the same session in two rows is a DuplicateError that
// gives both rows (0-based), so a caller can name both lines of its file.
func ExampleDuplicateError() {
	_, err := change.PairsAt([]string{"a", "b", "a"}, []int{1, 1, 1}, []float64{20, 22, 21}, 1, 4)
	var d *change.DuplicateError
	if errors.As(err, &d) {
		fmt.Println(d.What(), d.Rows)
	}
	fmt.Println(err)
	// Output:
	// patient "a" has session 1 twice [0 2]
	// change: row 3: patient "a" has session 1 twice (rows 1 and 3): remove one of the rows
}
