package datasets

import "fmt"

// cutValue shortens a value for a message: at most n runes, longer ones
// cut with the number of characters left out, so that a 50 MB cell gives
// a one-line message.
func cutValue(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return fmt.Sprintf("%s… (%d more characters)", string(r[:n]), len(r)-n)
}
