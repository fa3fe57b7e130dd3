package workflow

import (
	"fmt"
	"sort"
)

// Citation is one reference-list entry in APA style, split around its
// italic part (journal and volume, or a title): Before + Italic + After.
type Citation struct {
	Key                   string `json:"key"`
	Before, Italic, After string `json:"-"`
}

// Text is the plain-text reference.
func (c Citation) Text() string { return c.Before + c.Italic + c.After }

// MarshalJSON writes the key and the plain text.
func (c Citation) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf(`{"key":%q,"text":%q}`, c.Key, c.Text())), nil
}

// Cite returns the reference of key and whether the reference list has
// it.
func Cite(key string) (Citation, bool) {
	c, ok := references[key]
	return c, ok
}

// Citations returns the references of the given keys, each once, in
// reference-list (alphabetical) order, and the keys the reference list
// does not have (a front end says so; TestEveryCitedKeyExists keeps the
// list empty for every part).
func Citations(keys ...string) (cites []Citation, unknown []string) {
	seen := map[string]bool{}
	for _, k := range keys {
		if seen[k] {
			continue
		}
		seen[k] = true
		if c, ok := Cite(k); ok {
			cites = append(cites, c)
		} else {
			unknown = append(unknown, k)
		}
	}
	sort.Slice(cites, func(i, j int) bool { return cites[i].Text() < cites[j].Text() })
	return cites, unknown
}
