package slides

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDecks parses every deck of the course with present and fails on every
// reference that does not resolve: the slides quote the chapters' code, so a
// renamed function or a moved file must break here, not in front of a class.
func TestDecks(t *testing.T) {
	decks, err := filepath.Glob("*.slide")
	if err != nil {
		t.Fatal(err)
	}
	if len(decks) == 0 {
		t.Fatal("no .slide files in slides/")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, deck := range decks {
		t.Run(deck, func(t *testing.T) {
			problems, err := CheckDeck(deck)
			if err != nil {
				t.Fatal(err)
			}
			commands, err := CheckDeckCommands(root, deck)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range append(problems, commands...) {
				t.Error(p)
			}
		})
	}
}

// TestCheckDeckCommandsFindsBrokenOnes: the commands on slides are checked
// like a README's, preformatted lines and inline code spans alike.
func TestCheckDeckCommandsFindsBrokenOnes(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"Makefile":             "test:\n\tgo test work\nslides:\n\tslides/serve.sh\n",
		"01-x/main.go":         "package main\n\nimport \"flag\"\n\nvar tick = flag.Duration(\"tick\", 0, \"\")\n\nfunc main() {}\n",
		"01-x/lib/lib_test.go": "package lib\n\nfunc TestAppend(t *testing.T) {}\n",
		"slides/d.slide": "Title\n\n* Slide\n\n" +
			"Run `go`run`./01-x`-tick`1s`, then `make`slides`.\n" +
			"Not code: a `word`, and .code lines are CheckDeck's:\n" +
			".code ../01-x/main.go\n\n" +
			"\tgo test ./01-x/... -run TestAppend\n" +
			"\tgo test ./01-x/... -run TestGone   # broken\n" +
			"Broken: `go`run`./01-x`-port`1`, `make`deploy`.\n",
	})
	got, err := CheckDeckCommands(root, filepath.Join(root, "slides", "d.slide"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{
		{File: "d.slide", Line: 10, Ref: "go test ./01-x/... -run TestGone", Msg: "-run: no func TestGone( in the _test.go files"},
		{File: "d.slide", Line: 11, Ref: "go run ./01-x -port 1", Msg: "./01-x defines no flag -port"},
		{File: "d.slide", Line: 11, Ref: "make deploy", Msg: `the Makefile has no target "deploy"`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CheckDeckCommands problems (-want +got):\n%s", diff)
	}
}

// TestDeckPerChapter: the course has an opening deck and one deck per
// chapter, named after the chapter's directory.
func TestDeckPerChapter(t *testing.T) {
	chapters, err := filepath.Glob(filepath.Join("..", "[0-9][0-9]-*"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"00-why-realtime.slide"}
	for _, c := range chapters {
		if fi, err := os.Stat(c); err == nil && fi.IsDir() {
			want = append(want, filepath.Base(c)+".slide")
		}
	}
	for _, deck := range want {
		if _, err := os.Stat(deck); err != nil {
			t.Errorf("no deck %s: %v", deck, err)
		}
	}
}

// write creates the files under dir, making directories as needed.
func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCheckDeckFindsBrokenReferences proves the check fails when it should:
// a deck with one good quote of each kind and one of every way to break one.
func TestCheckDeckFindsBrokenReferences(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"chapter/log.go": "package log\n\n// Log keeps messages.\ntype Log struct{}\n\nfunc (l *Log) Append() {\n}\n\nfunc Wrap() {\n}\n",
		"slides/fig.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
		"slides/deck.slide": `A deck
Checked

Ann Example

* Good

.code ../chapter/log.go /^type Log/
.code ../chapter/log.go /^func .l .Log. Append/,/^}/
.code -numbers ../chapter/log.go 3,4 HLx
.image fig.svg _ 400

* Broken

.code ../chapter/missing.go
.code ../chapter/log.go /^func Remove/
.code ../chapter/log.go 30,40
.code ../chapter/log.go /^func Wrap/,/^type/
.image missing.svg
.image https://example.com/fig.png
`,
	})
	deck := filepath.Join(root, "slides", "deck.slide")
	got, err := CheckDeck(deck)
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{
		{File: "deck.slide", Line: 15, Ref: ".code ../chapter/missing.go", Msg: "open " + filepath.Join(root, "chapter", "missing.go") + ": no such file or directory"},
		{File: "deck.slide", Line: 16, Ref: ".code ../chapter/log.go /^func Remove/", Msg: "no match for ^func Remove"},
		{File: "deck.slide", Line: 17, Ref: ".code ../chapter/log.go 30,40", Msg: "address out of range"},
		{File: "deck.slide", Line: 18, Ref: ".code ../chapter/log.go /^func Wrap/,/^type/", Msg: "/^type/ has no match after /^func Wrap/: present would wrap around to the top of the file"},
		{File: "deck.slide", Line: 19, Ref: ".image missing.svg", Msg: "no such image: stat " + filepath.Join(root, "slides", "missing.svg") + ": no such file or directory"},
		{File: "deck.slide", Line: 20, Ref: ".image https://example.com/fig.png", Msg: "the decks work offline: images live under slides/, not at a URL"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CheckDeck problems (-want +got):\n%s", diff)
	}
}

// TestCheckDeckReportsParseErrors: a deck present cannot parse at all fails
// with its position, even when no reference is to blame.
func TestCheckDeckReportsParseErrors(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{"bad.slide": "Title\n\n* Slide\n\n.nosuchcommand here\n"})
	got, err := CheckDeck(filepath.Join(root, "bad.slide"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{{File: "bad.slide", Line: 5, Ref: "deck", Msg: `unknown command ".nosuchcommand here"`}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CheckDeck problems (-want +got):\n%s", diff)
	}
}

// TestCheckDeckLongQuote: a quote longer than a slide is reported.
func TestCheckDeckLongQuote(t *testing.T) {
	root := t.TempDir()
	long := "package p\n\nfunc Long() {\n"
	for range MaxCodeLines {
		long += "\t_ = 0\n"
	}
	long += "}\n"
	write(t, root, map[string]string{"p/p.go": long, "s/d.slide": "Title\n\n* Slide\n\n.code ../p/p.go /^func Long/,/^}/\n"})
	got, err := CheckDeck(filepath.Join(root, "s", "d.slide"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{{File: "d.slide", Line: 5, Ref: ".code ../p/p.go /^func Long/,/^}/",
		Msg: fmt.Sprintf("the address selects %d lines, more than fit on a slide (%d)", MaxCodeLines+2, MaxCodeLines)}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CheckDeck problems (-want +got):\n%s", diff)
	}
}

// TestCheckDeckCrowdedSlide: quotes that fit one by one but not together on
// one slide are reported, at the slide's title line.
func TestCheckDeckCrowdedSlide(t *testing.T) {
	root := t.TempDir()
	half := func(name string) string {
		s := "func " + name + "() {\n"
		for range MaxCodeLines/2 - 1 {
			s += "\t_ = 0\n"
		}
		return s + "}\n"
	}
	write(t, root, map[string]string{
		"p/p.go": "package p\n\n" + half("A") + "\n" + half("B") + "\nfunc C() {\n}\n",
		"s/d.slide": "Title\n\n* Fits\n\n.code ../p/p.go /^func A/,/^}/\n.code ../p/p.go /^func C/,/^}/\n\n" +
			"* Too much\n\n.code ../p/p.go /^func A/,/^}/\n.code ../p/p.go /^func B/,/^}/\n.code ../p/p.go /^func C/,/^}/\n",
	})
	got, err := CheckDeck(filepath.Join(root, "s", "d.slide"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{{File: "d.slide", Line: 8, Ref: "* Too much",
		Msg: fmt.Sprintf("the slide quotes %d lines of code, more than fit on it (%d)", MaxCodeLines+4, MaxCodeLines)}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CheckDeck problems (-want +got):\n%s", diff)
	}
}
