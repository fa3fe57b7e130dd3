package mixed

import (
	"cmp"
	"encoding/binary"
	"slices"
	"strings"
)

// labelKey is a sort key and the position of what it sorts.
type labelKey struct {
	pre uint64
	i   int
}

// sortedLabelPerm returns the indices of labels in increasing byte order,
// as sortedPerm does, faster for many labels: labels are compared by the
// eight bytes that follow the prefix all of them share, and only when those
// tie by the rest. Factor levels are usually short ("P0413", "17"), so
// almost every comparison is one of two integers instead of two strings
// through an index.
//
// The prefix keys order labels as their bytes do: two labels that differ
// within those eight bytes differ first there, and zero padding sorts a
// label that ends before the other first, as byte order does (a tie with a
// label holding a zero byte is settled by the full comparison).
func sortedLabelPerm(labels []string) []int {
	lcp := commonPrefix(labels)
	keys := make([]labelKey, len(labels))
	for i, s := range labels {
		var b [8]byte
		copy(b[:], s[lcp:])
		keys[i] = labelKey{binary.BigEndian.Uint64(b[:]), i}
	}
	sortKeys(keys)
	// Labels with equal keys (rare: a common stem longer than the prefix,
	// or a zero byte) are ordered by their full bytes.
	for lo := 0; lo < len(keys); {
		hi := lo + 1
		for hi < len(keys) && keys[hi].pre == keys[lo].pre {
			hi++
		}
		if hi-lo > 1 {
			slices.SortFunc(keys[lo:hi], func(a, b labelKey) int { return strings.Compare(labels[a.i], labels[b.i]) })
		}
		lo = hi
	}
	perm := make([]int, len(keys))
	for k, key := range keys {
		perm[k] = key.i
	}
	return perm
}

// commonPrefix is the length of the longest prefix all labels share.
func commonPrefix(labels []string) int {
	if len(labels) == 0 {
		return 0
	}
	n := len(labels[0])
	for _, s := range labels[1:] {
		n = min(n, len(s))
		for k := 0; k < n; k++ {
			if s[k] != labels[0][k] {
				n = k
				break
			}
		}
		if n == 0 {
			break
		}
	}
	return n
}

// sortKeys sorts keys by pre, stably: a least-significant-digit radix sort
// on bytes, which skips the bytes all keys share (short labels leave the
// low bytes zero) and, for a few keys, leaves them to a comparison sort.
func sortKeys(keys []labelKey) {
	if len(keys) < 64 {
		slices.SortStableFunc(keys, func(a, b labelKey) int { return cmp.Compare(a.pre, b.pre) })
		return
	}
	var or, and uint64 = 0, ^uint64(0)
	for _, k := range keys {
		or |= k.pre
		and &= k.pre
	}
	buf := make([]labelKey, len(keys))
	src, dst := keys, buf
	for shift := 0; shift < 64; shift += 8 {
		if (or^and)>>shift&0xff == 0 { // every key has the same byte here
			continue
		}
		var count [257]int
		for _, k := range src {
			count[k.pre>>shift&0xff+1]++
		}
		for d := 1; d < len(count); d++ {
			count[d] += count[d-1]
		}
		for _, k := range src {
			b := k.pre >> shift & 0xff
			dst[count[b]] = k
			count[b]++
		}
		src, dst = dst, src
	}
	if &src[0] != &keys[0] {
		copy(keys, src)
	}
}
