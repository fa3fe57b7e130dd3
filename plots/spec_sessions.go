package plots

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/workflow"
)

// fromSessionSpec draws the figures of the session workflows.
func fromSessionSpec(s workflow.FigureSpec) (*Figure, error) {
	return nil, fmt.Errorf("plots: no drawing for figure kind %q", s.Kind())
}
