package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// readmeBlock is an output block of the README: the command named in the
// comment line before it and the block's lines.
type readmeBlock struct {
	cmd        string
	start, end int // the block's content lines are lines[start:end]
}

var outputComment = regexp.MustCompile(`^<!-- output: alliance (.*) -->$`)

// readmeBlocks finds the blocks introduced by "<!-- output: alliance … -->".
func readmeBlocks(lines []string) []readmeBlock {
	var out []readmeBlock
	for i := 0; i+1 < len(lines); i++ {
		m := outputComment.FindStringSubmatch(lines[i])
		if m == nil || lines[i+1] != "```" {
			continue
		}
		j := i + 2
		for j < len(lines) && lines[j] != "```" {
			j++
		}
		out = append(out, readmeBlock{cmd: m[1], start: i + 2, end: j})
	}
	return out
}

// segments splits a block at its "..." lines (elided output).
func segments(block []string) [][]string {
	var segs [][]string
	cur := []string{}
	for _, l := range block {
		if l == "..." {
			segs = append(segs, cur)
			cur = []string{}
			continue
		}
		cur = append(cur, l)
	}
	return append(segs, cur)
}

// findRun returns where want occurs as consecutive lines of got at or after
// from, or -1.
func findRun(got, want []string, from int) int {
	for i := from; i+len(want) <= len(got); i++ {
		ok := true
		for j := range want {
			if got[i+j] != want[j] {
				ok = false
				break
			}
		}
		if ok {
			return i
		}
	}
	return -1
}

// TestReadmeOutputBlocks: every output block of the README is what the
// command named above it prints today, as consecutive lines (a block may
// elide lines with "..."), so the README's examples cannot drift from the
// program (issue 14). ALLIANCE_UPDATE_README=1 rewrites each segment with
// the same number of lines of today's output from where its first line
// is found, for a person to review in the diff.
func TestReadmeOutputBlocks(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	blocks := readmeBlocks(lines)
	if len(blocks) < 8 {
		t.Fatalf("only %d annotated output blocks in the README", len(blocks))
	}
	update := os.Getenv("ALLIANCE_UPDATE_README") == "1"
	for bi := len(blocks) - 1; bi >= 0; bi-- { // from the end, so that rewriting keeps earlier indices
		b := blocks[bi]
		stdout, stderr, code := runCLI(t, "", strings.Fields(b.cmd)...)
		if code != exitOK {
			t.Errorf("alliance %s: exit %d: %s", b.cmd, code, stderr)
			continue
		}
		got := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
		for i := range got {
			got[i] = strings.TrimRight(got[i], " ")
		}
		segs := segments(lines[b.start:b.end])
		var fresh []string
		at, found := 0, true
		for si, seg := range segs {
			if si > 0 {
				fresh = append(fresh, "...")
			}
			if len(seg) == 0 {
				continue
			}
			i := findRun(got, seg, at)
			if i < 0 {
				first := findRun(got, seg[:1], at)
				if !update || first < 0 {
					t.Errorf("README block of 'alliance %s', segment %d (from %q), is not in today's output:\n%s", b.cmd, si+1, seg[0], strings.Join(got, "\n"))
					found = false
					break
				}
				i = first
			}
			n := min(len(seg), len(got)-i)
			fresh = append(fresh, got[i:i+n]...)
			at = i + n
		}
		if update && found {
			lines = append(lines[:b.start], append(fresh, lines[b.end:]...)...)
		}
	}
	if update {
		if err := os.WriteFile("../../README.md", []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
