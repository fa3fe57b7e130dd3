package measures

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/alliance-research/alliance/analysis/errs"
	"gopkg.in/yaml.v3"
)

// Key is a scoring key. Item numbers are 1-based, as printed on the forms.
type Key struct {
	Name        string `json:"name"`
	FullName    string `json:"full_name"`
	Reference   string `json:"reference"`
	Description string `json:"description"`
	// Incomplete, when not empty, says what the key lacks; Score refuses
	// such a key unless ScoreOptions.AllowIncomplete.
	Incomplete string `json:"incomplete,omitempty"`
	// Items is the number of items; responses run from Min to Max.
	Items int     `json:"items"`
	Min   float64 `json:"min"`
	Max   float64 `json:"max"`
	// Step, when not 0, is the spacing of the allowed responses Min,
	// Min + Step, …, Max (1 for rating scales: a PHQ-9 answer is 0, 1, 2 or
	// 3, never 2.5); 0 allows any value from Min to Max (visual analogue
	// scales such as the SRS).
	Step float64 `json:"step,omitempty"`
	// Reversed items are scored Min + Max − x.
	Reversed []int `json:"reversed"`
	// Rule is "sum" or "mean"; the score is multiplied by Multiplier when
	// it is not 0 (CORE-OM's clinical score is 10 × the mean).
	Rule       string  `json:"rule"`
	Multiplier float64 `json:"multiplier,omitempty"`
	// Subscales, each scored with the key's Rule and Multiplier. The total
	// over all items is always scored, as "total".
	Subscales []Subscale `json:"subscales,omitempty"`
	// Bands classify the total score (ascending, non-overlapping).
	Bands []Band `json:"bands,omitempty"`
	// Cutoff is the published clinical cut-off of the total score (0 if
	// none); CutoffDirection says which side is "clinical" or flagged:
	// "at_or_above" or "below".
	Cutoff          float64 `json:"cutoff,omitempty"`
	CutoffDirection string  `json:"cutoff_direction,omitempty"`
	// ReliableChange is the published reliable-change threshold in total
	// score points (0 if none).
	ReliableChange float64 `json:"reliable_change,omitempty"`
}

// Subscale is a named set of items.
type Subscale struct {
	Name  string `json:"name"`
	Items []int  `json:"items"`
}

// Band is a labelled range [Min, Max] of the total score. A score between
// two bands' ranges (a prorated 9.5 between 5–9 and 10–14) belongs to the
// lower band: a band runs from its Min up to the next band's Min.
type Band struct {
	Label string  `json:"label"`
	Min   float64 `json:"min"`
	Max   float64 `json:"max"`
}

//go:embed keys/*.json
var keyFiles embed.FS

// builtin decodes the embedded keys on first use, not at start-up.
var builtin = sync.OnceValue(func() map[string]Key {
	m := map[string]Key{}
	entries, err := keyFiles.ReadDir("keys")
	if err != nil {
		return m
	}
	for _, e := range entries {
		f, err := keyFiles.Open(path.Join("keys", e.Name()))
		if err != nil {
			continue
		}
		k, err := LoadKey(f)
		f.Close()
		if err != nil {
			// A broken embedded key is caught by TestBuiltinKeys.
			continue
		}
		m[strings.ToLower(k.Name)] = k
	}
	return m
})

// Measures returns the names of the built-in keys, sorted.
func Measures() []string {
	var out []string
	for _, k := range builtin() {
		out = append(out, k.Name)
	}
	sort.Strings(out)
	return out
}

// Get returns the built-in key named name (case-insensitive; "PHQ9" and
// "phq-9" both work).
func Get(name string) (Key, error) {
	norm := func(s string) string {
		return strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.ToLower(s))
	}
	for _, k := range builtin() {
		if norm(k.Name) == norm(name) {
			return k, nil
		}
	}
	return Key{}, errs.New(errs.InvalidOption, "measures", "no built-in key %q (have %s; or give your own key file)", name, strings.Join(Measures(), ", "))
}

// LoadKey reads a key from JSON or YAML (fields as the JSON names of Key,
// e.g. full_name, reversed, subscales) and validates it. A document whose
// first non-blank character is "{" is read as JSON, anything else as YAML.
// Unknown fields are errors in both, so a misspelt field is not silently
// ignored.
func LoadKey(r io.Reader) (Key, error) {
	var k Key
	data, err := io.ReadAll(r)
	if err != nil {
		return k, fmt.Errorf("measures: reading key: %w", err)
	}
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' {
		var doc any
		if err = yaml.Unmarshal(data, &doc); err != nil {
			return k, fmt.Errorf("measures: reading YAML key: %w", err)
		}
		if data, err = json.Marshal(yamlToJSON(doc)); err != nil {
			return k, fmt.Errorf("measures: reading YAML key: %w", err)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&k); err != nil {
		return k, fmt.Errorf("measures: reading key: %w", err)
	}
	if err := k.Validate(); err != nil {
		return k, err
	}
	return k, nil
}

// yamlToJSON turns the maps yaml.v3 decodes into (map[string]any, with
// map[any]any only for non-string keys) into values encoding/json accepts.
func yamlToJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = yamlToJSON(e)
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = yamlToJSON(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = yamlToJSON(e)
		}
		return x
	}
	return v
}

// Validate checks that the key is usable: a name, at least one item,
// Min < Max, a known rule, item numbers within 1..Items without
// duplicates, bands ascending and not overlapping.
func (k Key) Validate() error {
	where := fmt.Sprintf("measures: key %q", k.Name) // the analysis name of its errors
	switch {
	case k.Name == "":
		return errs.New(errs.InvalidOption, "measures", "key has no name")
	case k.Items < 1:
		return errs.New(errs.InvalidOption, where, "items = %d; need at least 1", k.Items)
	case !(k.Min < k.Max):
		return errs.New(errs.InvalidOption, where, "response range min %v, max %v: min must be below max", k.Min, k.Max)
	case k.Rule != "sum" && k.Rule != "mean":
		return errs.New(errs.InvalidOption, where, "rule %q: use \"sum\" or \"mean\"", k.Rule)
	case k.Multiplier < 0:
		return errs.New(errs.InvalidOption, where, "multiplier %v is negative", k.Multiplier)
	}
	checkItems := func(what string, items []int) error {
		seen := map[int]bool{}
		for _, it := range items {
			if it < 1 || it > k.Items {
				return errs.New(errs.InvalidOption, where, "%s: item %d is outside 1..%d", what, it, k.Items)
			}
			if seen[it] {
				return errs.New(errs.InvalidOption, where, "%s: item %d listed twice", what, it)
			}
			seen[it] = true
		}
		return nil
	}
	if err := checkItems("reversed", k.Reversed); err != nil {
		return err
	}
	names := map[string]bool{"total": true}
	for _, s := range k.Subscales {
		if s.Name == "" || names[s.Name] {
			return errs.New(errs.InvalidOption, where, "subscale name %q is empty, repeated or \"total\"", s.Name)
		}
		names[s.Name] = true
		if len(s.Items) == 0 {
			return errs.New(errs.InvalidOption, where, "subscale %q has no items", s.Name)
		}
		if err := checkItems("subscale "+s.Name, s.Items); err != nil {
			return err
		}
	}
	for i, b := range k.Bands {
		if b.Min > b.Max {
			return errs.New(errs.InvalidOption, where, "band %q: min %v above max %v", b.Label, b.Min, b.Max)
		}
		if i > 0 && b.Min <= k.Bands[i-1].Max {
			return errs.New(errs.InvalidOption, where, "band %q starts at %v, not above the previous band's max %v (bands must ascend without overlap)", b.Label, b.Min, k.Bands[i-1].Max)
		}
	}
	if k.Cutoff != 0 && k.CutoffDirection != "at_or_above" && k.CutoffDirection != "below" {
		return errs.New(errs.InvalidOption, where, "cutoff_direction %q: use \"at_or_above\" or \"below\"", k.CutoffDirection)
	}
	return nil
}

// Band returns the label of the band holding total score s, or "" if the
// key has no bands or s is outside them.
func (k Key) Band(s float64) string {
	for i := len(k.Bands) - 1; i >= 0; i-- {
		b := k.Bands[i]
		if s >= b.Min {
			if i == len(k.Bands)-1 && s > b.Max {
				return ""
			}
			return b.Label
		}
	}
	return ""
}
