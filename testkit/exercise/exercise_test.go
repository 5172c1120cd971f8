package exercise

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func write(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const patch = `diff --git a/01-x/a.go b/01-x/a.go
index 1111111..2222222 100644
--- a/01-x/a.go
+++ b/01-x/a.go
@@ -1,2 +1,2 @@
 package x
-const A = 1
+const A = 2
diff --git a/01-x/new.go b/01-x/new.go
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/01-x/new.go
@@ -0,0 +1 @@
+package x
diff --git a/01-x/gone.go b/01-x/gone.go
deleted file mode 100644
index 4444444..0000000
--- a/01-x/gone.go
+++ /dev/null
@@ -1 +0,0 @@
-package x
`

// TestApply: the patch is applied to copies, the overlay points go test at
// them (a deleted file at ""), and the working tree is left as it was.
func TestApply(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{"01-x/a.go": "package x\nconst A = 1\n", "01-x/gone.go": "package x\n", "p.patch": patch})
	o, err := Apply(root, filepath.Join(root, "p.patch"))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	b, _ := os.ReadFile(o.File)
	got := strings.ReplaceAll(strings.ReplaceAll(string(b), root, "ROOT"), o.Dir, "TMP")
	want := `{"Replace":{"ROOT/01-x/a.go":"TMP/tree/01-x/a.go","ROOT/01-x/gone.go":"","ROOT/01-x/new.go":"TMP/tree/01-x/new.go"}}`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("overlay (-want +got):\n%s", diff)
	}
	patched, _ := os.ReadFile(filepath.Join(o.Dir, "tree", "01-x", "a.go"))
	if diff := cmp.Diff("package x\nconst A = 2\n", string(patched)); diff != "" {
		t.Errorf("patched copy (-want +got):\n%s", diff)
	}
	orig, _ := os.ReadFile(filepath.Join(root, "01-x", "a.go"))
	if diff := cmp.Diff("package x\nconst A = 1\n", string(orig)); diff != "" {
		t.Errorf("the working tree changed (-want +got):\n%s", diff)
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(o.Dir); !os.IsNotExist(err) {
		t.Errorf("the temporary directory is still there: %v", err)
	}
}

// TestApplyRefusesAPatchThatDoesNotFit: a patch made against other code
// is an error that says so, not a silent half-applied overlay.
func TestApplyRefusesAPatchThatDoesNotFit(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{"01-x/a.go": "package x\nconst A = 7\n", "01-x/gone.go": "package x\n", "p.patch": patch})
	if _, err := Apply(root, filepath.Join(root, "p.patch")); err == nil || !strings.Contains(err.Error(), "git apply") {
		t.Fatalf("Apply of a patch that does not fit: err = %v, want a git apply error", err)
	}
	if _, err := Touched([]byte("not a diff\n")); err == nil {
		t.Error("Touched of no diff: no error")
	}
}

func TestReadManifest(t *testing.T) {
	root := t.TempDir()
	good := `{"chapter": "01-x", "exercises": [
		{"n": 2, "kind": "build", "title": "One more bad input", "pkg": "./01-x/poll", "test": "TestExercise2", "patch": "02.solution.patch", "missing": "stored"},
		{"n": 3, "kind": "break", "title": "Break it", "pkg": "./01-x/web", "test": "TestA|TestB", "patch": "03.break.patch", "fails_with": "boom"},
		{"n": 6, "kind": "measure", "title": "Measure"}]}`
	write(t, root, map[string]string{"01-x/exercises/exercises.json": good})
	ms, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || len(ms[0].Exercises) != 3 || ms[0].Exercises[1].ID() != "01.3" {
		t.Fatalf("Load = %+v", ms)
	}
	if e, err := Find(ms, "01.2"); err != nil || e.Title != "One more bad input" || e.PatchPath() != filepath.Join(root, "01-x", "exercises", "02.solution.patch") {
		t.Errorf("Find(01.2) = %+v, %v", e, err)
	}
	for _, id := range []string{"01.4", "02.1", "x"} {
		if _, err := Find(ms, id); err == nil {
			t.Errorf("Find(%s): no error", id)
		}
	}
	for bad, want := range map[string]string{
		`{"chapter": "02-y", "exercises": []}`: `want "01-x"`,
		`{"chapter": "01-x", "exercises": [{"n": 1, "kind": "build", "title": "T", "pkg": "./01-x", "test": "TestExercise2", "patch": "01.solution.patch", "missing": "m"}]}`: `want "TestExercise1"`,
		`{"chapter": "01-x", "exercises": [{"n": 1, "kind": "break", "title": "T", "pkg": "./01-x", "test": "TestA", "patch": "01.break.patch"}]}`:                            `needs "fails_with"`,
		`{"chapter": "01-x", "exercises": [{"n": 1, "kind": "break", "title": "T", "pkg": "./01-x", "test": "TestA", "patch": "01.break.patch", "fails_whith": "x"}]}`:        `unknown field`,
		`{"chapter": "01-x", "exercises": [{"n": 2, "kind": "measure", "title": "A"}, {"n": 2, "kind": "measure", "title": "B"}]}`:                                            `numbers must increase`,
		`{"chapter": "01-x", "exercises": [{"n": 1, "kind": "try", "title": "A"}]}`:                                                                                           `none of build`,
		`{"chapter": "01-x", "exercises": [{"n": 1, "kind": "measure", "title": "A."}]}`:                                                                                      `final period`,
	} {
		write(t, root, map[string]string{"01-x/exercises/exercises.json": bad})
		if _, err := Load(root); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load of %s: err = %v, want it to say %q", bad, err, want)
		}
	}
}

func TestFirstFailure(t *testing.T) {
	for _, tt := range []struct{ name, output, want string }{
		{"assertion and its diff", "=== RUN   TestX\n--- FAIL: TestX (0.00s)\n    x_test.go:12: waiter 3 (-want +got):\n          []string{\n        -   \"to all\",\n          }\n    x_test.go:14: second\nFAIL\n",
			"    x_test.go:12: waiter 3 (-want +got):\n          []string{\n        -   \"to all\",\n          }"},
		{"compiler error", "# example.com/x\npoll/log.go:12:3: undefined: y\nFAIL\texample.com/x [build failed]\n",
			"poll/log.go:12:3: undefined: y\nFAIL\texample.com/x [build failed]"},
		{"panic", "panic: test timed out after 60s\n\trunning tests:\n", "panic: test timed out after 60s\n\trunning tests:"},
	} {
		if diff := cmp.Diff(tt.want, FirstFailure(tt.output, 5)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestVerdictString(t *testing.T) {
	v := Verdict{Exercise{N: 2, Kind: Build, Title: "One more bad input", Chapter: "01-polling"}, "not yet", "    x_test.go:3: missing\n      more"}
	want := "01.2 One more bad input (build): not yet\n    x_test.go:3: missing\n      more\n"
	if diff := cmp.Diff(want, v.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestReadmeList(t *testing.T) {
	readme := "# 01\n\n1. **Not here.** *(build)* x\n\n## Exercises\n\n1. **Catch up.** *(measure)* A client\n   more\n2. **No label.** Make it\n3. **Break it!** *(break)* x\n\n## Further reading\n\n4. **After.** *(build)*\n"
	got, err := ReadmeList(strings.NewReader(readme))
	if err != nil {
		t.Fatal(err)
	}
	want := []ReadmeEntry{{1, "Catch up", "measure", 7, "1. **Catch up.**"}, {2, "No label", "", 9, "2. **No label.**"},
		{3, "Break it!", "break", 10, "3. **Break it!**"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("ReadmeList (-want +got):\n%s", diff)
	}
	problems := CompareList(got, []Exercise{{N: 1, Kind: Measure, Title: "Catch up"}, {N: 2, Kind: Build, Title: "No label"}})
	wantProblems := []string{
		`README has 2 "No label" (), the manifest 2 "No label" (build)`,
		`exercise 3 "Break it!" is in the README, not in the manifest`,
	}
	if diff := cmp.Diff(wantProblems, problems); diff != "" {
		t.Errorf("CompareList (-want +got):\n%s", diff)
	}
}
