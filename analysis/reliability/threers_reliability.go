package reliability

import "sort"

// sessionReliability computes the six ICCs of every session-level frequency
// and rating scale, sessions as targets and coders as raters, over the
// sessions every coder coded.
func sessionReliability(sum map[string][]*RRSSession, ix rrsIndex, level float64) []RRSReliability {
	nc := len(ix.coders)
	var out []RRSReliability
	iccOpt := ICCOptions{Level: level, DropIncomplete: true}
	sessionScale := func(name string, get func(*RRSSession) (float64, bool)) {
		rel := RRSReliability{Scale: name, Level: "session", NCoders: nc}
		var rows [][]float64
		for _, s := range ix.sessions {
			row := make([]float64, nc)
			ok := true
			for c, ss := range sum[s] {
				if ss == nil {
					ok = false
					break
				}
				v, has := get(ss)
				if !has {
					ok = false
					break
				}
				row[c] = v
			}
			if !ok {
				rel.Dropped++
				continue
			}
			rows = append(rows, row)
		}
		rel.NTargets = len(rows)
		if len(rows) == 0 {
			rel.Note = "no session was coded by every coder"
		} else if icc, err := ICC(rows, iccOpt); err != nil {
			rel.Note = err.Error()
		} else {
			rel.ICC = &icc
		}
		out = append(out, rel)
	}
	sessionScale("withdrawal_segments", func(s *RRSSession) (float64, bool) { return float64(s.WithdrawalSegments), true })
	sessionScale("confrontation_segments", func(s *RRSSession) (float64, bool) { return float64(s.ConfrontationSegments), true })
	sessionScale("resolution_segments", func(s *RRSSession) (float64, bool) { return float64(s.ResolutionSegments), true })
	for _, sc := range ix.scales {
		sessionScale("rating:"+sc, func(s *RRSSession) (float64, bool) {
			v, ok := s.Ratings[sc]
			return v, ok
		})
	}
	return out
}

// segmentReliability computes Cohen's kappa (two coders) or Fleiss' kappa
// (more) of the presence of each kind of marker per segment, over the
// segments every coder coded.
func segmentReliability(segs []RRSSegment, ix rrsIndex, level float64) []RRSReliability {
	nc := len(ix.coders)
	var out []RRSReliability
	// Segment-level presence: one row per (session, segment).
	type unit struct {
		session string
		segment int
	}
	units := map[unit][]*RRSSegment{}
	var order []unit
	for i := range segs {
		u := unit{segs[i].Session, segs[i].Segment}
		if _, ok := units[u]; !ok {
			units[u] = make([]*RRSSegment, nc)
			order = append(order, u)
		}
		units[u][ix.coderIdx[segs[i].Coder]] = &segs[i]
	}
	sort.Slice(order, func(a, b int) bool {
		if order[a].session != order[b].session {
			return order[a].session < order[b].session
		}
		return order[a].segment < order[b].segment
	})
	presence := func(name string, get func(*RRSSegment) map[string]int) {
		rel := RRSReliability{Scale: name, Level: "segment", NCoders: nc}
		var rows [][]float64
		for _, u := range order {
			row := make([]float64, nc)
			ok := true
			for c, s := range units[u] {
				if s == nil {
					ok = false
					break
				}
				if p, _ := countMarkers(get(s), nil); p {
					row[c] = 1
				}
			}
			if !ok {
				rel.Dropped++
				continue
			}
			rows = append(rows, row)
		}
		rel.NTargets = len(rows)
		var err error
		switch {
		case len(rows) == 0:
			rel.Note = "no segment was coded by every coder"
		case nc == 2:
			r1, r2 := make([]float64, len(rows)), make([]float64, len(rows))
			for i, row := range rows {
				r1[i], r2[i] = row[0], row[1]
			}
			var k CohenResult
			if k, err = CohenKappa(r1, r2, KappaOptions{Level: level, Levels: []float64{0, 1}}); err == nil {
				rel.Kappa = &k
			}
		default:
			var f FleissResult
			if f, err = FleissKappa(rows); err == nil {
				rel.Fleiss = &f
			}
		}
		if err != nil {
			rel.Note = err.Error()
		}
		out = append(out, rel)
	}
	presence("withdrawal_present", func(s *RRSSegment) map[string]int { return s.Withdrawal })
	presence("confrontation_present", func(s *RRSSegment) map[string]int { return s.Confrontation })
	presence("resolution_present", func(s *RRSSegment) map[string]int { return s.Resolution })
	return out
}
