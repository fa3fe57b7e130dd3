package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// shellWords splits a command line as a POSIX shell would for the quoting
// our printers use: words separated by spaces, '…' quoting (with '\” for a
// quote inside), "…" quoting and backslash escapes.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var out []string
	var w strings.Builder
	in, quote := false, byte(0)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			} else {
				w.WriteByte(c)
			}
		case quote == '"':
			if c == '"' {
				quote = 0
			} else if c == '\\' && i+1 < len(line) {
				i++
				w.WriteByte(line[i])
			} else {
				w.WriteByte(c)
			}
		case c == '\'' || c == '"':
			quote, in = c, true
		case c == '\\' && i+1 < len(line):
			i++
			w.WriteByte(line[i])
			in = true
		case c == ' ':
			if in {
				out = append(out, w.String())
				w.Reset()
				in = false
			}
		default:
			w.WriteByte(c)
			in = true
		}
	}
	if quote != 0 {
		t.Fatalf("unterminated quote in %q", line)
	}
	if in {
		out = append(out, w.String())
	}
	return out
}

// TestReproduceCommandsParse: every 'alliance …' command line the report
// prints (results.json, index.html) on the embedded demo data is a valid
// command line — a known subcommand, known flags with values they accept
// (enum flags check theirs when set), the right number of arguments —
// checked with the program's own flag parser, without running it. The
// issue's example of a bad one was "--no-pdf true".
func TestReproduceCommandsParse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rep")
	if _, stderr, code := runCLI(t, "", "report", "--out", dir); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	var lines []string
	seen := map[string]bool{}
	jsonCmd := regexp.MustCompile(`"command":\s*"((?:[^"\\]|\\.)*)"`)
	htmlCmd := regexp.MustCompile(`(?m)alliance (?:meta|sessions|panel|ruptures|gains|change|report|ipd|lmm|reliability|score|threers)\b[^<\n]*`)
	for _, f := range []string{"results.json", "index.html"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		var found []string
		if f == "results.json" {
			for _, m := range jsonCmd.FindAllStringSubmatch(string(b), -1) {
				found = append(found, strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(m[1]))
			}
		} else {
			for _, m := range htmlCmd.FindAllString(string(b), -1) {
				m = strings.NewReplacer("&#39;", "'", "&quot;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">").Replace(m)
				if strings.Contains(m, " --") {
					found = append(found, strings.TrimRight(m, ".) "))
				}
			}
		}
		for _, l := range found {
			if !seen[l] {
				seen[l] = true
				lines = append(lines, l)
			}
		}
	}
	if len(lines) < 7 {
		t.Fatalf("found %d command lines, want every step's (≥ 7): %v", len(lines), lines)
	}
	for _, line := range lines {
		checkParses(t, "", line)
	}
}

// checkParses reports (labelled by where) a command line that is not an
// 'alliance' command the program's own parser accepts: a known
// subcommand, known flags with values they take, the right number of
// arguments. Nothing runs.
func checkParses(t *testing.T, where, line string) {
	t.Helper()
	words := shellWords(t, line)
	if len(words) < 2 || words[0] != "alliance" {
		t.Errorf("%s%q: not an alliance command", where, line)
		return
	}
	var sink bytes.Buffer
	root := newRootCmd(&env{stdin: strings.NewReader(""), stdout: &sink, stderr: &sink})
	cmd, rest, err := root.Find(words[1:])
	if err != nil || cmd == root {
		t.Errorf("%s%q: no such command (%v)", where, line, err)
		return
	}
	if err := cmd.ParseFlags(rest); err != nil {
		t.Errorf("%s%q: %v", where, line, err)
		return
	}
	if err := cmd.ValidateArgs(cmd.Flags().Args()); err != nil {
		t.Errorf("%s%q: %v", where, line, err)
	}
}

// TestReadmeCommandsParse: every indented 'alliance …' example of the
// README is a valid command line for the program's own flag parser (the
// part before a # comment).
func TestReadmeCommandsParse(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "    alliance ") {
			continue
		}
		line = strings.TrimSpace(line)
		if i := strings.Index(line, " #"); i > 0 {
			line = strings.TrimSpace(line[:i])
		}
		n++
		checkParses(t, "README ", line)
	}
	if n < 20 {
		t.Errorf("only %d README examples found", n)
	}
}
