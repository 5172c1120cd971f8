package exercise

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// detailLines bounds what a verdict shows of a failure.
const detailLines = 12

// Check runs one exercise on the working tree as the student left it.
func Check(ctx context.Context, root string, e Exercise) Verdict {
	switch e.Kind {
	case Build:
		r := Run{Pkg: e.Pkg, Tests: e.Test, Tagged: true}
		res := GoTest(ctx, root, r)
		if res.Passed {
			return Verdict{e, "done", "normal tests too: go test -race -count=1 -timeout " + Timeout + " " + e.Pkg}
		}
		return Verdict{e, "not yet", FirstFailure(res.Output, detailLines)}
	case Break:
		r := Run{Pkg: e.Pkg, Tests: e.Test}
		res := GoTest(ctx, root, r)
		switch {
		case res.Passed:
			return Verdict{e, "not broken yet", "the named test passes: " + r.Command()}
		case strings.Contains(res.Output, e.FailsWith):
			return Verdict{e, "fails as described (now read why, and put it back)", FirstFailure(res.Output, detailLines)}
		default:
			return Verdict{e, "fails, but not as the README describes", FirstFailure(res.Output, detailLines)}
		}
	default:
		return Verdict{e, "no checker: predict, then run what the README says", "see ## Exercises of " + e.Chapter + "/README.md"}
	}
}

// Row is one line of the progress table.
type Row struct {
	Exercise Exercise
	State    string
}

var verdictLine = regexp.MustCompile(`(?m)^--- (PASS|FAIL): (TestExercise\d+) `)

// Progress runs every build checker of a chapter, one go test per package,
// and says of each whether it is done; break and measure exercises have
// nothing to be done in the tree, so they are listed as to try.
func Progress(ctx context.Context, root string, m Manifest) []Row {
	byPkg := map[string][]string{}
	var pkgs []string
	for _, e := range m.Exercises {
		if e.Kind == Build {
			if byPkg[e.Pkg] == nil {
				pkgs = append(pkgs, e.Pkg)
			}
			byPkg[e.Pkg] = append(byPkg[e.Pkg], e.Test)
		}
	}
	state := map[string]string{} // pkg + test -> state
	for _, pkg := range pkgs {
		res := GoTest(ctx, root, Run{Pkg: pkg, Tests: strings.Join(byPkg[pkg], "|"), Tagged: true, Verbose: true})
		for _, test := range byPkg[pkg] {
			state[pkg+test] = "not yet (does not build)"
		}
		for _, v := range verdictLine.FindAllStringSubmatch(res.Output, -1) {
			state[pkg+v[2]] = map[string]string{"PASS": "done", "FAIL": "not yet"}[v[1]]
		}
	}
	var rows []Row
	for _, e := range m.Exercises {
		s := "to try"
		if e.Kind == Build {
			s = state[e.Pkg+e.Test]
		}
		rows = append(rows, Row{e, s})
	}
	return rows
}

// Table formats rows as the progress table of one chapter.
func Table(chapter string, rows []Row) string {
	var b strings.Builder
	done, builds := 0, 0
	for _, r := range rows {
		if r.Exercise.Kind == Build {
			builds++
			if r.State == "done" {
				done++
			}
		}
	}
	fmt.Fprintf(&b, "%s: %d of %d build exercises done\n", chapter, done, builds)
	for _, r := range rows {
		fmt.Fprintf(&b, "  %-5s %-8s %-44s %s\n", r.Exercise.ID(), r.Exercise.Kind, r.Exercise.Title, r.State)
	}
	return b.String()
}
