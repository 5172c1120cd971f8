// Package exercise reads the exercises of the course's chapters, runs their
// checkers and proves, for every one, that it can be done: a build
// exercise's checker fails on the untouched code and passes with the
// reference solution; a break exercise's patch makes the named test fail as
// the README says. Patches are applied beside the working tree (in a
// temporary directory, handed to go test with -overlay), never in it.
package exercise

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// The three kinds of exercise.
const (
	Build   = "build"   // add a behaviour; a checker says when it is done
	Break   = "break"   // break it on purpose; a named test fails
	Measure = "measure" // predict, then run a command; no checker
)

// Manifest is one chapter's <chapter>/exercises/exercises.json.
type Manifest struct {
	Chapter   string     `json:"chapter"`
	Exercises []Exercise `json:"exercises"`
	Dir       string     `json:"-"` // the chapter's directory, absolute
}

// Exercise is one entry of a manifest.
type Exercise struct {
	N         int    `json:"n"`
	Kind      string `json:"kind"`
	Title     string `json:"title"`
	Pkg       string `json:"pkg,omitempty"`        // ./01-polling/poll
	Test      string `json:"test,omitempty"`       // TestExercise2, or TestA|TestB
	Patch     string `json:"patch,omitempty"`      // 02.solution.patch, beside the manifest
	Missing   string `json:"missing,omitempty"`    // build: what the untouched checker says
	FailsWith string `json:"fails_with,omitempty"` // break: what the named test says

	Chapter string `json:"-"` // 01-polling
	Dir     string `json:"-"` // the chapter's directory, absolute
}

// ID is how a student names the exercise: "01.2".
func (e Exercise) ID() string { return fmt.Sprintf("%s.%d", e.Chapter[:2], e.N) }

// PatchPath is the absolute path of the exercise's patch.
func (e Exercise) PatchPath() string { return filepath.Join(e.Dir, "exercises", e.Patch) }

// CheckerPath is where a build exercise's checker lives:
// <pkg>/exercise_NN_test.go.
func (e Exercise) CheckerPath(root string) string {
	return filepath.Join(root, filepath.FromSlash(e.Pkg), fmt.Sprintf("exercise_%02d_test.go", e.N))
}

// Load reads every [0-9][0-9]-*/exercises/exercises.json under root, in
// chapter order. A chapter without exercises yet has no manifest and is
// left out.
func Load(root string) ([]Manifest, error) {
	paths, err := filepath.Glob(filepath.Join(root, "[0-9][0-9]-*", "exercises", "exercises.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	var out []Manifest
	for _, p := range paths {
		m, err := ReadManifest(p)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// ReadManifest reads and checks one manifest: every field an exercise of
// its kind needs is there, numbers increase, the chapter is its directory.
func ReadManifest(path string) (Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Manifest{}, err
	}
	var m Manifest
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields() // a misspelt "fails_with" must not pass unseen
	if err := dec.Decode(&m); err != nil {
		return Manifest{}, fmt.Errorf("%s: %v", path, err)
	}
	m.Dir = filepath.Dir(filepath.Dir(path))
	if want := filepath.Base(m.Dir); m.Chapter != want {
		return Manifest{}, fmt.Errorf("%s: chapter is %q, want %q (its directory)", path, m.Chapter, want)
	}
	last := 0
	for i := range m.Exercises {
		e := &m.Exercises[i]
		e.Chapter, e.Dir = m.Chapter, m.Dir
		if err := e.check(last); err != nil {
			return Manifest{}, fmt.Errorf("%s: exercise %d: %v", path, e.N, err)
		}
		last = e.N
	}
	return m, nil
}

var testName = regexp.MustCompile(`^((?:Test|Fuzz)\w+)(\|(?:Test|Fuzz)\w+)*$`)

func (e Exercise) check(last int) error {
	if e.N <= last {
		return fmt.Errorf("comes after %d: numbers must increase", last)
	}
	if e.Title == "" || strings.HasSuffix(e.Title, ".") {
		return fmt.Errorf("title %q: the README's bold title without its final period", e.Title)
	}
	need := map[string]string{}
	switch e.Kind {
	case Build:
		need = map[string]string{"pkg": e.Pkg, "test": e.Test, "patch": e.Patch, "missing": e.Missing}
		if want := "TestExercise" + strconv.Itoa(e.N); e.Test != want {
			return fmt.Errorf("test is %q, want %q", e.Test, want)
		}
		if want := fmt.Sprintf("%02d.solution.patch", e.N); e.Patch != want {
			return fmt.Errorf("patch is %q, want %q", e.Patch, want)
		}
	case Break:
		need = map[string]string{"pkg": e.Pkg, "test": e.Test, "patch": e.Patch, "fails_with": e.FailsWith}
		if want := fmt.Sprintf("%02d.break.patch", e.N); e.Patch != want {
			return fmt.Errorf("patch is %q, want %q", e.Patch, want)
		}
	case Measure:
		if e.Pkg != "" || e.Test != "" || e.Patch != "" {
			return fmt.Errorf("a measure exercise has no pkg, test or patch")
		}
	default:
		return fmt.Errorf("kind %q is none of build, break, measure", e.Kind)
	}
	for _, field := range []string{"pkg", "test", "patch", "missing", "fails_with"} {
		if v, ok := need[field]; ok && v == "" {
			return fmt.Errorf("a %s exercise needs %q", e.Kind, field)
		}
	}
	if e.Test != "" && !testName.MatchString(e.Test) {
		return fmt.Errorf("test %q: a test name, or names joined by |", e.Test)
	}
	if e.Pkg != "" && !strings.HasPrefix(e.Pkg, "./"+e.Chapter) {
		return fmt.Errorf("pkg %q is not in ./%s", e.Pkg, e.Chapter)
	}
	return nil
}

// Find returns the exercise a student names "02.1" (or "2.1", "02-1").
func Find(ms []Manifest, id string) (Exercise, error) {
	ch, n, ok := strings.Cut(strings.Replace(id, "-", ".", 1), ".")
	chapter, err1 := strconv.Atoi(ch)
	num, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil {
		return Exercise{}, fmt.Errorf("%q: name an exercise as chapter.number, e.g. 02.1", id)
	}
	for _, m := range ms {
		if m.Chapter[:2] != fmt.Sprintf("%02d", chapter) {
			continue
		}
		for _, e := range m.Exercises {
			if e.N == num {
				return e, nil
			}
		}
		return Exercise{}, fmt.Errorf("%s has no exercise %d", m.Chapter, num)
	}
	return Exercise{}, fmt.Errorf("no chapter %02d has exercises", chapter)
}
