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

// Cite returns the reference of key; it panics on an unknown key, which is
// a programming error caught by the tests of every part.
func Cite(key string) Citation {
	c, ok := references[key]
	if !ok {
		panic("workflow: unknown citation key " + key)
	}
	return c
}

// Citations returns the references of the given keys, each once, in
// reference-list (alphabetical) order.
func Citations(keys ...string) []Citation {
	seen := map[string]bool{}
	var out []Citation
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, Cite(k))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Text() < out[j].Text() })
	return out
}
