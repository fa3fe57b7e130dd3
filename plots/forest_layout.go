package plots

import (
	"fmt"
	"sort"
)

type rowKind int

const (
	rowHeader rowKind = iota
	rowStudy
	rowGroup
	rowSubtotal
	rowOverall
	rowNote
	rowBlank
)

// forestLayout lists the rows top to bottom with, for study rows, the
// index into the input and, for subtotals, the index into Subgroups.
type forestLayout struct {
	kind  []rowKind
	label []string
	ref   []int
}

func (l *forestLayout) add(k rowKind, label string, ref int) {
	l.kind = append(l.kind, k)
	l.label = append(l.label, label)
	l.ref = append(l.ref, ref)
}

// forestOrder returns the row indices in drawing order.
func forestOrder(rows []ForestRow, opt ForestOptions) ([]int, error) {
	k := len(rows)
	if opt.Order != nil {
		if len(opt.Order) != k {
			return nil, fmt.Errorf("plots: forest Order has %d entries for %d rows; give each row index once", len(opt.Order), k)
		}
		seen := make([]bool, k)
		for _, i := range opt.Order {
			if i < 0 || i >= k || seen[i] {
				return nil, fmt.Errorf("plots: forest Order is not a permutation of 0..%d (entry %d)", k-1, i)
			}
			seen[i] = true
		}
		return append([]int(nil), opt.Order...), nil
	}
	idx := make([]int, k)
	for i := range idx {
		idx[i] = i
	}
	switch opt.Sort {
	case SortInput:
	case SortEffect:
		sort.SliceStable(idx, func(a, b int) bool { return rows[idx[a]].Estimate < rows[idx[b]].Estimate })
	case SortWeight:
		sort.SliceStable(idx, func(a, b int) bool { return rows[idx[a]].Weight > rows[idx[b]].Weight })
	default:
		return nil, fmt.Errorf("plots: unknown forest sort order %d (use SortInput, SortEffect or SortWeight)", opt.Sort)
	}
	return idx, nil
}

// layOut lists the rows top to bottom: the header at y = 0, then the
// studies (in subgroups with their subtotals, if any) at −1, −2, …, and
// the overall summary with its note.
func (b *forestBuild) layOut() error {
	rows, opt := b.rows, b.opt
	order, err := forestOrder(rows, opt)
	if err != nil {
		return err
	}
	lay := &b.lay
	lay.add(rowHeader, "", -1)
	emitStudies := func(idx []int) {
		for _, i := range idx {
			lay.add(rowStudy, rows[i].Label, i)
			b.studyIdx = append(b.studyIdx, i)
		}
	}
	if opt.Subgroups != nil {
		byGroup := map[string][]int{}
		for _, i := range order {
			byGroup[rows[i].Group] = append(byGroup[rows[i].Group], i)
		}
		known := map[string]bool{}
		for gi, s := range opt.Subgroups {
			known[s.Label] = true
			if opt.CompactGroups {
				emitStudies(byGroup[s.Label])
				if len(byGroup[s.Label]) > 1 {
					lay.add(rowSubtotal, s.Label, gi)
				}
				continue
			}
			lay.add(rowGroup, s.Label, -1)
			emitStudies(byGroup[s.Label])
			lay.add(rowSubtotal, "Subtotal", gi)
			if s.Note != "" {
				lay.add(rowNote, s.Note, -1)
			}
			lay.add(rowBlank, "", -1)
		}
		for _, i := range order {
			if !known[rows[i].Group] {
				return fmt.Errorf("plots: forest row %d (%q): group %q has no subtotal in Subgroups", i+1, rows[i].Label, rows[i].Group)
			}
		}
	} else {
		emitStudies(order)
	}
	if opt.Overall != nil {
		if opt.Subgroups == nil || opt.CompactGroups {
			lay.add(rowBlank, "", -1)
		}
		lay.add(rowOverall, opt.Overall.Label, -1)
		if opt.Overall.Note != "" {
			lay.add(rowNote, opt.Overall.Note, -1)
		}
	}
	return nil
}
