package reliability

import (
	"fmt"
	"math"
	"sort"

	"github.com/alliance-research/alliance/analysis/errs"
)

// The Rupture Resolution Rating System (3RS; Eubanks, Muran & Safran 2015,
// 2019) codes each segment of a session (5 minutes in the manual) for
// withdrawal and confrontation rupture markers and for resolution
// strategies, and rates their significance on 1–5 scales. The names below
// are the manual's markers and strategies as published in Eubanks, Muran &
// Safran (2015, manual) and Eubanks, Lubitz, Muran & Safran (2019,
// Psychotherapy Research 29), in our shorthand; the list is our reading of
// those publications and not verified against the full manual. ThreeRS
// accepts any names; these are for convenience and consistency.
var (
	RRSWithdrawalMarkers = []string{
		"denial", "minimal_response", "abstract_communication",
		"avoidant_storytelling", "deferential_appeasing",
		"content_affect_split", "self_criticism_hopelessness",
	}
	RRSConfrontationMarkers = []string{
		"complaints_therapist", "rejects_intervention", "complaints_activities",
		"complaints_parameters", "complaints_progress", "defends_self",
		"control_pressure",
	}
	RRSResolutionStrategies = []string{
		"clarify_misunderstanding", "change_tasks_goals", "illustrate_rationale",
		"invite_discussion", "acknowledge_contribution", "disclose_experience",
		"link_to_patterns", "validate_defensive_posture", "redirect_follow_lead",
	}
)

// RRSSegment is one coder's 3RS codes for one segment of one session.
type RRSSegment struct {
	Session string `json:"session"`
	// Segment numbers the segment within the session (1, 2, ...).
	Segment int    `json:"segment"`
	Coder   string `json:"coder"`
	// Withdrawal, Confrontation and Resolution map a marker (or strategy)
	// name to the number of times it was coded in the segment; use 1 for
	// presence when the coding notes presence only. Absent names are 0.
	Withdrawal    map[string]int `json:"withdrawal,omitempty"`
	Confrontation map[string]int `json:"confrontation,omitempty"`
	Resolution    map[string]int `json:"resolution,omitempty"`
	// Ratings maps a rating scale (e.g. "withdrawal_significance",
	// "confrontation_significance", "resolution_significance") to its 1–5
	// rating for the segment; an absent scale or NaN is not rated.
	Ratings map[string]float64 `json:"ratings,omitempty"`
}

// RRSOptions controls ThreeRS.
type RRSOptions struct {
	// MinRating and MaxRating bound the ratings; 0 and 0 mean 1 and 5.
	MinRating, MaxRating float64
	// Level is the confidence level of the ICC and kappa intervals; 0
	// means 0.95.
	Level float64
}

// RRSSession is one coder's session-level 3RS summary.
type RRSSession struct {
	Session string `json:"session"`
	Coder   string `json:"coder"`
	// Segments is the number of segments the coder coded.
	Segments int `json:"segments"`
	// WithdrawalSegments, ConfrontationSegments and ResolutionSegments
	// count the segments with at least one marker (strategy) of the kind:
	// the session-level frequency of ruptures (resolutions).
	WithdrawalSegments    int `json:"withdrawal_segments"`
	ConfrontationSegments int `json:"confrontation_segments"`
	ResolutionSegments    int `json:"resolution_segments"`
	// WithdrawalCount, ConfrontationCount and ResolutionCount are the total
	// numbers of markers (strategies) coded, over all segments and names.
	WithdrawalCount    int `json:"withdrawal_count"`
	ConfrontationCount int `json:"confrontation_count"`
	ResolutionCount    int `json:"resolution_count"`
	// Markers counts, per marker or strategy name, the segments in which
	// it was coded at least once.
	Markers map[string]int `json:"markers"`
	// Ratings is the mean rating per scale over the segments rated on it,
	// RatingN the number of those segments.
	Ratings map[string]float64 `json:"ratings"`
	RatingN map[string]int     `json:"rating_n"`
}

// RRSReliability is the inter-rater reliability of one 3RS scale.
type RRSReliability struct {
	// Scale is "withdrawal_segments", "confrontation_segments",
	// "resolution_segments" or "rating:<name>" at the session level, or
	// "withdrawal_present", "confrontation_present", "resolution_present"
	// at the segment level.
	Scale string `json:"scale"`
	// Level is "session" (targets are sessions, ICC) or "segment" (targets
	// are segments, kappa on presence/absence).
	Level string `json:"level"`
	// NTargets targets coded by all NCoders coders; Dropped targets that
	// some coder did not code (or did not rate) are left out.
	NTargets int `json:"n_targets"`
	NCoders  int `json:"n_coders"`
	Dropped  int `json:"dropped"`
	// ICC holds the six Shrout & Fleiss ICCs (session level). Kappa holds
	// Cohen's kappa for two coders and Fleiss holds Fleiss' kappa for more
	// (segment level).
	ICC    *ICCResult    `json:"icc,omitempty"`
	Kappa  *CohenResult  `json:"kappa,omitempty"`
	Fleiss *FleissResult `json:"fleiss,omitempty"`
	// Note says why no coefficient could be computed (for example, every
	// coder gave every session the same value), empty otherwise.
	Note string `json:"note,omitempty"`
}

// RRSResult is the output of ThreeRS.
type RRSResult struct {
	// Coders in order of first appearance; Sessions sorted by session, then
	// coder in that order.
	Coders      []string         `json:"coders"`
	Sessions    []RRSSession     `json:"sessions"`
	Reliability []RRSReliability `json:"reliability"`
}

// ThreeRS summarises segment-level 3RS codes into session-level
// frequencies and mean ratings per coder, and computes inter-rater
// reliability per scale across coders.
//
// Session level (per session and coder): the frequency of withdrawal
// (confrontation) ruptures is the number of segments with at least one
// withdrawal (confrontation) marker, the frequency of resolution the number
// of segments with at least one resolution strategy; marker totals and
// per-marker segment counts are reported too; each rating scale is averaged
// over the segments rated on it.
//
// Reliability: for every session-level frequency and rating scale, the six
// Shrout & Fleiss ICCs (ICC, psych::ICC) with sessions as targets and coders
// as raters, over the sessions every coder coded; for presence/absence of
// each kind of marker per segment, Cohen's kappa (two coders) or Fleiss'
// kappa (more), over the segments every coder coded. Eubanks et al. (2019)
// report ICCs of .85–.98 for such session-level scores.
//
// Our reading, not the manual's exact rules (which are not public in full):
// a frequency counts segments with a marker rather than marker occurrences
// (both are reported); session ratings are means of segment ratings (a
// session-level global rating can be entered as a single segment); the
// ICC form to report is the user's choice (ICC2 for absolute agreement of
// coders drawn from a pool, ICC3 for consistency of fixed coders).
//
// Errors: an empty input, a missing session or coder, a segment number
// below 1, a negative count, a rating outside [MinRating, MaxRating], or
// the same (session, segment, coder) twice.
func ThreeRS(segs []RRSSegment, opt RRSOptions) (RRSResult, error) {
	var res RRSResult
	if len(segs) == 0 {
		return res, errs.New(errs.TooFew, "reliability", "3RS: no segments")
	}
	lo, hi := opt.MinRating, opt.MaxRating
	if lo == 0 && hi == 0 {
		lo, hi = 1, 5
	}
	if !(lo < hi) {
		return res, errs.New(errs.InvalidOption, "reliability", "3RS: rating range [%v, %v] is empty", lo, hi)
	}
	ix, err := indexRRS(segs, lo, hi)
	if err != nil {
		return res, err
	}
	res.Coders = ix.coders
	sum := summariseRRS(segs, ix)
	for _, s := range ix.sessions {
		for _, ss := range sum[s] {
			if ss != nil {
				res.Sessions = append(res.Sessions, *ss)
			}
		}
	}
	if len(ix.coders) < 2 {
		return res, nil // reliability needs two coders; the summaries stand
	}
	res.Reliability = append(sessionReliability(sum, ix, opt.Level), segmentReliability(segs, ix, opt.Level)...)
	return res, nil
}

// rrsIndex is what ThreeRS learns from checking the segments: the coders in
// order of first appearance, and the sorted sessions and rating scales.
type rrsIndex struct {
	coders   []string
	coderIdx map[string]int
	sessions []string
	scales   []string
}

// indexRRS checks every segment record (see ThreeRS for the errors) and
// indexes the coders, sessions and rating scales.
func indexRRS(segs []RRSSegment, lo, hi float64) (rrsIndex, error) {
	type key struct {
		session string
		segment int
		coder   string
	}
	ix := rrsIndex{coderIdx: map[string]int{}}
	seen := map[key]bool{}
	sessionSet := map[string]bool{}
	scaleSet := map[string]bool{}
	for i, s := range segs {
		where := fmt.Sprintf("segment record %d (session %q, segment %d, coder %q)", i+1, s.Session, s.Segment, s.Coder)
		switch {
		case s.Session == "":
			return ix, errs.Inputf("reliability", 0, "3RS: segment record %d has no session", i+1)
		case s.Coder == "":
			return ix, errs.Inputf("reliability", 0, "3RS: segment record %d has no coder", i+1)
		case s.Segment < 1:
			return ix, errs.Inputf("reliability", 0, "3RS: %s: segment number must be 1 or more", where)
		}
		k := key{s.Session, s.Segment, s.Coder}
		if seen[k] {
			return ix, errs.Inputf("reliability", 0, "3RS: %s: coded twice (each coder codes each segment once)", where)
		}
		seen[k] = true
		for kind, m := range map[string]map[string]int{"withdrawal": s.Withdrawal, "confrontation": s.Confrontation, "resolution": s.Resolution} {
			for name, c := range m {
				if c < 0 {
					return ix, errs.Inputf("reliability", 0, "3RS: %s: %s %q has count %d (counts cannot be negative)", where, kind, name, c)
				}
			}
		}
		for name, v := range s.Ratings {
			if math.IsNaN(v) {
				continue
			}
			if v < lo || v > hi {
				return ix, errs.Inputf("reliability", 0, "3RS: %s: rating %q is %v, outside %v–%v", where, name, v, lo, hi)
			}
			scaleSet[name] = true
		}
		if _, ok := ix.coderIdx[s.Coder]; !ok {
			ix.coderIdx[s.Coder] = len(ix.coders)
			ix.coders = append(ix.coders, s.Coder)
		}
		sessionSet[s.Session] = true
	}
	ix.sessions = sortedKeys(sessionSet)
	ix.scales = sortedKeys(scaleSet)
	return ix, nil
}

// summariseRRS returns the session summaries indexed [session][coder] (nil
// where the coder did not code the session).
func summariseRRS(segs []RRSSegment, ix rrsIndex) map[string][]*RRSSession {
	sum := make(map[string][]*RRSSession, len(ix.sessions))
	for _, s := range ix.sessions {
		sum[s] = make([]*RRSSession, len(ix.coders))
	}
	ratingSum := map[*RRSSession]map[string]float64{}
	for _, s := range segs {
		c := ix.coderIdx[s.Coder]
		ss := sum[s.Session][c]
		if ss == nil {
			ss = &RRSSession{Session: s.Session, Coder: s.Coder, Markers: map[string]int{}, Ratings: map[string]float64{}, RatingN: map[string]int{}}
			sum[s.Session][c] = ss
			ratingSum[ss] = map[string]float64{}
		}
		ss.Segments++
		w, cw := countMarkers(s.Withdrawal, ss.Markers)
		cf, cc := countMarkers(s.Confrontation, ss.Markers)
		r, cr := countMarkers(s.Resolution, ss.Markers)
		ss.WithdrawalCount += cw
		ss.ConfrontationCount += cc
		ss.ResolutionCount += cr
		if w {
			ss.WithdrawalSegments++
		}
		if cf {
			ss.ConfrontationSegments++
		}
		if r {
			ss.ResolutionSegments++
		}
		for name, v := range s.Ratings {
			if !math.IsNaN(v) {
				ratingSum[ss][name] += v
				ss.RatingN[name]++
			}
		}
	}
	for _, s := range ix.sessions {
		for _, ss := range sum[s] {
			if ss == nil {
				continue
			}
			for name, n := range ss.RatingN {
				ss.Ratings[name] = ratingSum[ss][name] / float64(n)
			}
		}
	}
	return sum
}

// countMarkers reports whether any marker in m was coded and the total
// count, and adds one to perName for each name coded (if perName != nil).
func countMarkers(m map[string]int, perName map[string]int) (present bool, total int) {
	for name, c := range m {
		if c > 0 {
			present = true
			total += c
			if perName != nil {
				perName[name]++
			}
		}
	}
	return present, total
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
