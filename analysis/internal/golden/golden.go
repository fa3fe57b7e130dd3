// Package golden reads the reference values pinned in testdata/golden.
//
// Every file there was written by testdata/golden/make_golden.R (which sources
// testdata/golden/R/<area>.R) from the R reference implementations; tests read
// the committed JSON, so CI never needs R.
package golden

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Dir returns the absolute path of testdata/golden, found by walking up from
// the working directory to the directory holding go.mod.
func Dir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "testdata", "golden"), nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("golden: no go.mod above %s", wd)
		}
	}
}

// Path returns the absolute path of testdata/golden/name.
func Path(name string) (string, error) {
	d, err := Dir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, name), nil
}

// Load decodes testdata/golden/name into v.
func Load(name string, v any) error {
	p, err := Path(name)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return fmt.Errorf("golden: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("golden: %s: %w", name, err)
	}
	return nil
}
