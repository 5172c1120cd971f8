package exercise

import (
	"regexp"
	"strings"
)

// A failing assertion as go test prints it: "    file_test.go:42: message".
var assertion = regexp.MustCompile(`^\s+[\w.-]+\.go:\d+: `)

// A compiler error: "poll/log.go:12:3: undefined: x".
var compileError = regexp.MustCompile(`^[\w./-]+\.go:\d+(:\d+)?: `)

// FirstFailure picks out of go test's output the one thing to read first:
// the first failing assertion with the lines that continue it (a diff),
// else the first compiler error, else a panic or a timeout, else the last
// lines. At most limit lines.
func FirstFailure(output string, limit int) string {
	lines := strings.Split(strings.TrimRight(output, "\n"), "\n")
	for i, l := range lines {
		if !assertion.MatchString(l) {
			continue
		}
		indent := len(l) - len(strings.TrimLeft(l, " \t"))
		end := i + 1
		for end < len(lines) && end-i < limit && continues(lines[end], indent) {
			end++
		}
		return strings.Join(trimAll(lines[i:end]), "\n")
	}
	for i, l := range lines {
		if compileError.MatchString(l) {
			return strings.Join(trimAll(lines[i:min(len(lines), i+limit)]), "\n")
		}
	}
	for i, l := range lines {
		if strings.HasPrefix(l, "panic: ") {
			return strings.Join(trimAll(lines[i:min(len(lines), i+limit)]), "\n")
		}
	}
	start := max(0, len(lines)-limit)
	return strings.Join(trimAll(lines[start:]), "\n")
}

// continues tells a continuation of an assertion's message (indented
// deeper, not the next assertion nor a "--- FAIL" line) from what follows.
func continues(l string, indent int) bool {
	if strings.TrimSpace(l) == "" || assertion.MatchString(l) {
		return false
	}
	return len(l)-len(strings.TrimLeft(l, " \t")) > indent
}

func trimAll(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimRight(l, " \t")
	}
	return out
}

// Verdict is the short answer to "is exercise 02.1 done?".
type Verdict struct {
	Exercise Exercise
	State    string // "done", "not yet", "fails as described", ...
	Detail   string // the first failure, or what to run
}

// String is the verdict as printed: one line, then the detail indented.
func (v Verdict) String() string {
	e := v.Exercise
	s := e.ID() + " " + e.Title + " (" + e.Kind + "): " + v.State + "\n"
	if v.Detail != "" {
		lines := strings.Split(strings.TrimRight(v.Detail, "\n"), "\n")
		// go test indents an assertion; the verdict indents it its own way.
		indent := lines[0][:len(lines[0])-len(strings.TrimLeft(lines[0], " \t"))]
		for _, l := range lines {
			s += "    " + strings.TrimPrefix(l, indent) + "\n"
		}
	}
	return s
}
