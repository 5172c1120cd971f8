package slides

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReadmes checks every command in the top README and in every README of
// the chapters (05-gorilla-chat/compare/README.md too): the tests they name
// exist, the make targets and the programs they run are real. A chapter
// without a README yet has nothing to check.
func TestReadmes(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	chapters, err := filepath.Glob(filepath.Join(root, "[0-9][0-9]-*"))
	if err != nil {
		t.Fatal(err)
	}
	readmes := []string{filepath.Join(root, "README.md")}
	for _, chapter := range chapters {
		for _, dir := range treeDirs(chapter) {
			if p := filepath.Join(dir, "README.md"); fileExists(p) {
				readmes = append(readmes, p)
			}
		}
	}
	for _, readme := range readmes {
		name, _ := filepath.Rel(root, readme)
		t.Run(filepath.ToSlash(name), func(t *testing.T) {
			problems, err := CheckReadme(root, readme)
			if err != nil {
				t.Fatal(err)
			}
			if isChapterReadme(root, readme) {
				sections, err := CheckSections(root, readme)
				if err != nil {
					t.Fatal(err)
				}
				problems = append(problems, sections...)
			}
			for _, p := range problems {
				t.Error(p)
			}
		})
	}
}

// isChapterReadme reports whether readme is a chapter's own README
// (01-polling/README.md), which has the chapter sections.
func isChapterReadme(root, readme string) bool {
	rel, err := filepath.Rel(root, readme)
	if err != nil {
		return false
	}
	ok, _ := filepath.Match("[0-9][0-9]-*/README.md", filepath.ToSlash(rel))
	return ok
}

// TestCheckSections: a README with a section missing and two out of order
// is reported; extra sections between them are fine, and headings inside
// code blocks do not count.
func TestCheckSections(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{"01-x/README.md": "# 01\n\n## The problem\n\n## Run it\n\n## How it works\n\n" +
		"## On the wire\n\n```\n## Exercises\n```\n\n## Compared with the previous chapter\n\n## The bugs of the original\n\n## Further reading\n"})
	got, err := CheckSections(root, filepath.Join(root, "01-x", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	order := strings.Join(ChapterSections, ", ")
	want := []Problem{
		{File: "01-x/README.md", Line: 5, Ref: "## Run it", Msg: `comes before "How it works"; the order is: ` + order},
		{File: "01-x/README.md", Line: 0, Ref: "## Exercises", Msg: "missing section"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CheckSections problems (-want +got):\n%s", diff)
	}
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// TestCheckReadmeFindsBrokenCommands proves the check fails when it should:
// a small repository whose README holds good commands and broken ones.
func TestCheckReadmeFindsBrokenCommands(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"Makefile":              ".PHONY: test run slides\n\n## test: everything\ntest:\n\tgo test work\n\nrun bench: deps\n\tgo run ./01-x\nVAR := 1\n",
		"01-x/main.go":          "package main\n\nimport (\n\t\"flag\"\n\n\t\"example.com/wswalk/01-x/lib\"\n)\n\nvar addr = flag.String(\"addr\", \"\", \"\")\n\nfunc main() { lib.Flags() }\n",
		"01-x/lib/lib.go":       "package lib\n\nimport \"flag\"\n\nfunc Flags() { flag.Duration(\"tick\", 0, \"\") }\n",
		"01-x/lib/lib_test.go":  "package lib\n\nfunc TestAppend(t *testing.T) {}\nfunc TestSince(t *testing.T) {}\nfunc FuzzParse(f *testing.F) {}\nfunc BenchmarkMask(b *testing.B) {}\n",
		"01-x/cmd/load/main.go": "package main\n\nfunc main() {}\n",
		"scripts/run.sh":        "#!/bin/sh\n",
		"01-x/README.md": "# 01\n\n" +
			"Run `go run ./01-x -addr :8001 -tick=1s` and `CHAPTER=01-x make run`.\n" +
			"Check with `go test ./01-x/... -run TestAppend` or `go test ./01-x/... -run 'TestAppend|TestSince'`.\n" +
			"Regexps: `go test ./01-x/... -run '^TestAppend$'`, `go test ./01-x/... -run 'Test(Append|Since)/empty'`.\n" +
			"Benchmarks: `go test -run '^$' -bench Mask ./01-x/...`; fuzz: `go test ./01-x/lib -fuzz FuzzParse`.\n" +
			"From the chapter: `cd 01-x && go test ./... -run TestSince`, or just `go test -run TestAppend ./lib`.\n" +
			"```\n" +
			"make test   # everything\n" +
			"go run ./01-x/cmd/load 2>&1 | tee out.txt &\n" +
			"scripts/run.sh\n" +
			"go test ./01-x/... \\\n  -run TestMissing\n" +
			"```\n" +
			"Broken: `go test ./01-x/... -run 'TestAppend|TestGone'`, `go test ./01-x/... -run ^TestNope$`,\n" +
			"`make slides`, `make deploy`, `go run ./01-x/lib`, `go run ./02-y`, `go run ./01-x -port 1`,\n" +
			"`go test ./01-x/... -run 'Test.*Nothing'`, `go test ./01-x/... -bench BenchmarkUnmask`, `cd 09-z`, `scripts/gone.sh`.\n",
	})
	got, err := CheckReadme(root, filepath.Join(root, "01-x", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const f = "01-x/README.md"
	want := []Problem{
		{File: f, Line: 12, Ref: "go test ./01-x/... -run TestMissing", Msg: "-run: no func TestMissing( in the _test.go files"},
		{File: f, Line: 15, Ref: "go test ./01-x/... -run TestAppend|TestGone", Msg: "-run: no func TestGone( in the _test.go files"},
		{File: f, Line: 15, Ref: "go test ./01-x/... -run ^TestNope$", Msg: "-run: no func TestNope( in the _test.go files"},
		{File: f, Line: 16, Ref: "make slides", Msg: `the Makefile has no target "slides"`},
		{File: f, Line: 16, Ref: "make deploy", Msg: `the Makefile has no target "deploy"`},
		{File: f, Line: 16, Ref: "go run ./01-x/lib", Msg: "./01-x/lib is not a main package"},
		{File: f, Line: 16, Ref: "go run ./02-y", Msg: "no package directory ./02-y"},
		{File: f, Line: 16, Ref: "go run ./01-x -port 1", Msg: "./01-x defines no flag -port"},
		{File: f, Line: 17, Ref: "go test ./01-x/... -run Test.*Nothing", Msg: `-run: "Test.*Nothing" matches no function in the _test.go files`},
		{File: f, Line: 17, Ref: "go test ./01-x/... -bench BenchmarkUnmask", Msg: "-bench: no func BenchmarkUnmask( in the _test.go files"},
		{File: f, Line: 17, Ref: "cd 09-z", Msg: "no such directory"},
		{File: f, Line: 17, Ref: "scripts/gone.sh", Msg: "no such file"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CheckReadme problems (-want +got):\n%s", diff)
	}
}

func TestSplitCommands(t *testing.T) {
	tests := []struct {
		line string
		want [][]string
	}{
		{"make test", [][]string{{"make", "test"}}},
		{"go test ./x/... -run 'TestA|TestB'", [][]string{{"go", "test", "./x/...", "-run", "TestA|TestB"}}},
		{`go run ./a & go run ./b && echo "done; really" # comment`, [][]string{{"go", "run", "./a"}, {"go", "run", "./b"}, {"echo", "done; really"}}},
		{"go run ./cmd 2>&1 | tee out.txt > log 2>err", [][]string{{"go", "run", "./cmd"}, {"tee", "out.txt"}}},
		{"(cd 01 && go test) ; make", [][]string{{"cd", "01"}, {"go", "test"}, {"make"}}},
		{`echo a\ b`, [][]string{{"echo", "a b"}}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, splitCommands(tt.line)); diff != "" {
			t.Errorf("splitCommands(%q) (-want +got):\n%s", tt.line, diff)
		}
	}
}

func TestMakeTargets(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"Makefile": ".PHONY: a b\nGO ?= go\nX := y\na: b\n\techo a: b\nb c::\n%.o: %.c\n"})
	got, err := makeTargets(filepath.Join(dir, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"a": true, "b": true, "c": true, "%.o": true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("makeTargets (-want +got):\n%s", diff)
	}
	if _, err := makeTargets(filepath.Join(dir, "missing")); !os.IsNotExist(err) {
		t.Errorf("makeTargets of a missing Makefile: err = %v, want not exist", err)
	}
}

// TestExerciseLabels: in a chapter with an exercises manifest, every
// exercise of its README says its kind.
func TestExerciseLabels(t *testing.T) {
	root, _ := filepath.Abs("..")
	manifests, _ := filepath.Glob(filepath.Join(root, "[0-9][0-9]-*", "exercises", "exercises.json"))
	for _, m := range manifests {
		problems, err := CheckExerciseLabels(root, filepath.Join(filepath.Dir(filepath.Dir(m)), "README.md"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Error(p)
		}
	}
	dir := t.TempDir()
	write(t, dir, map[string]string{"README.md": "1. **Before.** x\n## Exercises\n\n1. **Done.** *(build)* x\n2. **Bare.** x\n## Further reading\n"})
	got, _ := CheckExerciseLabels(dir, filepath.Join(dir, "README.md"))
	want := []Problem{{File: "README.md", Line: 5, Ref: "2. **Bare.**", Msg: "no kind label after the title: *(build)*, *(break)* or *(measure)*"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CheckExerciseLabels (-want +got):\n%s", diff)
	}
}

// TestDocumentNamesExist: no README, Go file, deck or note of the project
// names a .md document the repository does not hold.
func TestDocumentNamesExist(t *testing.T) {
	root, _ := filepath.Abs("..")
	have := map[string]bool{}
	var files []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.Name() == ".git" || d.Name() == "testdata" {
			if d != nil && d.IsDir() && p != root {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		have[filepath.ToSlash(rel)], have["base:"+d.Name()] = true, true
		if ext := filepath.Ext(p); ext == ".md" || ext == ".go" || ext == ".slide" {
			files = append(files, p)
		}
		return nil
	})
	for _, f := range files {
		problems, err := CheckDocumentNames(root, f, have)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Error(p)
		}
	}
	// The names are built, so that this file itself names no document.
	const md = ".md"
	dir := t.TempDir()
	write(t, dir, map[string]string{"a.go": "// see DESIGN" + md + " and ./b" + md + "\n"})
	got, _ := CheckDocumentNames(dir, filepath.Join(dir, "a.go"), map[string]bool{"b" + md: true, "base:b" + md: true})
	want := []Problem{{File: "a.go", Line: 1, Ref: "DESIGN" + md, Msg: "names a document the repository does not hold"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CheckDocumentNames (-want +got):\n%s", diff)
	}
}

// TestExerciseRefs: every README's reference to another chapter's exercise
// names one that exists.
func TestExerciseRefs(t *testing.T) {
	root, _ := filepath.Abs("..")
	readmes, _ := filepath.Glob(filepath.Join(root, "[0-9][0-9]-*", "README.md"))
	for _, readme := range append(readmes, filepath.Join(root, "README.md")) {
		problems, err := CheckExerciseRefs(root, readme)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Error(p)
		}
	}
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"05-x/README.md": "## Exercises\n\n1. **One.** *(build)* x\n",
		"README.md":      "05's exercise 1 and chapter 05's exercise 2, exercise 1 of 05, 07's exercise 1\n",
	})
	got, _ := CheckExerciseRefs(dir, filepath.Join(dir, "README.md"))
	want := []Problem{
		{File: "README.md", Line: 1, Ref: "05's exercise 2", Msg: "chapter 05's README has no exercise 2"},
		{File: "README.md", Line: 1, Ref: "07's exercise 1", Msg: "no chapter 07"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CheckExerciseRefs (-want +got):\n%s", diff)
	}
}
