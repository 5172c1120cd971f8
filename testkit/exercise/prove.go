package exercise

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Prove checks every exercise of ms as a teacher would before class, and
// writes one line per exercise to w, in order. It returns every problem
// found; none means every build exercise can be done and every break
// breaks. Two exercises are proved at a time: most of a proof is waiting
// (a browser, a deadline, a build), so two keep a 2-core machine busy.
func Prove(ctx context.Context, root string, ms []Manifest, w io.Writer) []string {
	var problems []string
	var all []Exercise
	for _, m := range ms {
		for _, p := range CheckReadmeList(m) {
			problems = append(problems, m.Chapter+"/README.md: "+p)
			fmt.Fprintf(w, "%s README: %s\n", m.Chapter, p)
		}
		all = append(all, m.Exercises...)
	}
	type proof struct {
		found []string
		took  time.Duration
	}
	proofs := make([]chan proof, len(all))
	slots := make(chan struct{}, 2)
	for i, e := range all {
		proofs[i] = make(chan proof, 1)
		go func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			start := time.Now()
			proofs[i] <- proof{ProveOne(ctx, root, e), time.Since(start)}
		}()
	}
	for i, e := range all {
		p := <-proofs[i]
		state := "ok"
		if len(p.found) > 0 {
			state = "FAIL"
		}
		fmt.Fprintf(w, "%-5s %-7s %-4s %5.1fs  %s\n", e.ID(), e.Kind, state, p.took.Seconds(), e.Title)
		for _, f := range p.found {
			fmt.Fprintf(w, "        %s\n", strings.ReplaceAll(f, "\n", "\n        "))
			problems = append(problems, e.ID()+": "+f)
		}
	}
	return problems
}

// ProveOne proves one exercise and returns its problems.
func ProveOne(ctx context.Context, root string, e Exercise) []string {
	switch e.Kind {
	case Build:
		return proveBuild(ctx, root, e)
	case Break:
		return proveBreak(ctx, root, e)
	}
	return nil
}

func proveBuild(ctx context.Context, root string, e Exercise) []string {
	var problems []string
	if p := checkCheckerFile(e.CheckerPath(root), e.Test); p != "" {
		return []string{p}
	}
	checker := Run{Pkg: e.Pkg, Tests: e.Test, Tagged: true}
	untouched := GoTest(ctx, root, checker)
	switch {
	case untouched.Passed:
		problems = append(problems, "untouched, the checker passes: "+checker.Command())
	case !strings.Contains(untouched.Output, e.Missing):
		problems = append(problems, fmt.Sprintf("untouched, the checker fails without %q:\n%s", e.Missing, FirstFailure(untouched.Output, detailLines)))
	}
	o, err := Apply(root, e.PatchPath())
	if err != nil {
		return append(problems, err.Error())
	}
	defer o.Close()
	checkerRel, _ := filepath.Rel(root, e.CheckerPath(root))
	for _, f := range o.Changed {
		if f == filepath.ToSlash(checkerRel) || strings.HasSuffix(f, "exercises/exercises.json") {
			problems = append(problems, "the solution patch touches "+f)
		}
	}
	checker.Overlay = o.File
	if solved := GoTest(ctx, root, checker); !solved.Passed {
		problems = append(problems, "with the solution, the checker fails:\n"+FirstFailure(solved.Output, detailLines))
	}
	normal := Run{Pkg: e.Pkg, Overlay: o.File}
	if res := GoTest(ctx, root, normal); !res.Passed {
		problems = append(problems, "with the solution, the package's tests fail:\n"+FirstFailure(res.Output, detailLines))
	}
	return problems
}

func proveBreak(ctx context.Context, root string, e Exercise) []string {
	o, err := Apply(root, e.PatchPath())
	if err != nil {
		return []string{err.Error()}
	}
	defer o.Close()
	r := Run{Pkg: e.Pkg, Tests: e.Test, Overlay: o.File}
	res := GoTest(ctx, root, r)
	switch {
	case res.Passed:
		return []string{"with the break, the named test passes: " + r.Command()}
	case !strings.Contains(res.Output, e.FailsWith):
		return []string{fmt.Sprintf("with the break, the named test fails without %q:\n%s", e.FailsWith, FirstFailure(res.Output, detailLines))}
	}
	return nil
}

// checkCheckerFile: the checker exists, is built only with the exercises
// tag (so normal tests never see it), and defines its test.
func checkCheckerFile(path, test string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "no checker: " + err.Error()
	}
	if !strings.HasPrefix(string(b), "//go:build exercises\n\n") {
		return filepath.Base(path) + ": the first line must be //go:build exercises, then a blank line"
	}
	if !strings.Contains(string(b), "\nfunc "+test+"(t *testing.T)") {
		return filepath.Base(path) + ": no func " + test + "(t *testing.T)"
	}
	return ""
}

// An exercise of a README: `3. **Break the page on purpose.** *(break)* ...`.
var readmeItem = regexp.MustCompile(`^(\d+)\. \*\*(.+?)\*\*(?: \*\((\w+)\)\*)?`)

// ReadmeEntry is one exercise as the README lists it.
type ReadmeEntry struct {
	N           int
	Title, Kind string // Kind "" when the label is missing
	Line        int    // 1-based, in the README
	Item        string // the item's start as written: "2. **Bare.**"
}

// ReadmeList reads the numbered list of the "## Exercises" section.
func ReadmeList(r io.Reader) ([]ReadmeEntry, error) {
	var out []ReadmeEntry
	sc := bufio.NewScanner(r)
	in := false
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			in = strings.TrimSpace(line[3:]) == "Exercises"
			continue
		}
		m := readmeItem.FindStringSubmatch(line)
		if !in || m == nil {
			continue
		}
		var number int
		fmt.Sscan(m[1], &number)
		item := m[1] + ". **" + m[2] + "**"
		out = append(out, ReadmeEntry{N: number, Title: strings.TrimSuffix(m[2], "."), Kind: m[3], Line: n, Item: item})
	}
	return out, sc.Err()
}

// CheckReadmeList compares the chapter README's exercises with its
// manifest: the same numbers, titles and kinds, in the same order.
func CheckReadmeList(m Manifest) []string {
	f, err := os.Open(filepath.Join(m.Dir, "README.md"))
	if err != nil {
		return []string{err.Error()}
	}
	defer f.Close()
	list, err := ReadmeList(f)
	if err != nil {
		return []string{err.Error()}
	}
	return CompareList(list, m.Exercises)
}

// CompareList reports where a README's list and a manifest disagree.
func CompareList(list []ReadmeEntry, exercises []Exercise) []string {
	var problems []string
	for i := 0; i < max(len(list), len(exercises)); i++ {
		switch {
		case i >= len(list):
			problems = append(problems, fmt.Sprintf("exercise %d %q is in the manifest, not in the README", exercises[i].N, exercises[i].Title))
		case i >= len(exercises):
			problems = append(problems, fmt.Sprintf("exercise %d %q is in the README, not in the manifest", list[i].N, list[i].Title))
		default:
			r, e := list[i], exercises[i]
			if r.N != e.N || r.Title != e.Title || r.Kind != e.Kind {
				problems = append(problems, fmt.Sprintf("README has %d %q (%s), the manifest %d %q (%s)", r.N, r.Title, r.Kind, e.N, e.Title, e.Kind))
			}
		}
	}
	return problems
}
