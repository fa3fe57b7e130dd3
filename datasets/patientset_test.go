package datasets

import (
	"hash/maphash"
	"testing"
)

// TestPatientSet: ids in numeric order ("9" before "10") or byte order
// keep hashes only; a repeat is found after the order breaks, however
// early the first occurrence, and never reported for a new id.
func TestPatientSet(t *testing.T) {
	seed := maphash.MakeSeed()
	cases := []struct {
		ids    []string
		repeat int // index of the first repeated id, -1 for none
	}{
		{[]string{"1", "2", "9", "10", "11", "100"}, -1},
		{[]string{"a", "b", "ba", "c"}, -1},
		{[]string{"1", "2", "10", "3", "4"}, -1},
		{[]string{"1", "2", "10", "3", "2"}, 4},
		{[]string{"p1", "p2", "p3", "p0", "p1"}, 4},
		{[]string{"b", "a", "b"}, 2},
		{[]string{"x"}, -1},
	}
	for k, c := range cases {
		var ps patientSet
		got := -1
		for i, id := range c.ids {
			h := maphash.String(seed, id)
			if ps.has(id, h) {
				got = i
				break
			}
			ps.add(id, h)
		}
		if got != c.repeat {
			t.Errorf("case %d %v: repeat at %d, want %d", k, c.ids, got, c.repeat)
		}
	}
	var ps patientSet
	for i := range 1000 {
		h := maphash.String(seed, itoa(i))
		if ps.has(itoa(i), h) {
			t.Fatalf("%d reported as a repeat", i)
		}
		ps.add(itoa(i), h)
	}
	if ps.set != nil || len(ps.hashes) != 1000 {
		t.Error("ordered ids built a set")
	}
}

func itoa(i int) string {
	b := []byte{}
	for {
		b = append([]byte{byte('0' + i%10)}, b...)
		i /= 10
		if i == 0 {
			return string(b)
		}
	}
}
