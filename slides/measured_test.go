package slides

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMeasuredFiguresAreQuoted checks every quote of a measured figure in
// every README and deck against its data file, and that every figure of a
// chapter's measured.json is quoted somewhere: a figure nobody reads is a
// figure nobody checks. After measuring again, change the value in the data
// file first; this test then names every text that still says the old one.
func TestMeasuredFiguresAreQuoted(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, pattern := range []string{"README.md", "*/README.md", "*/*/README.md", "slides/*.slide"} {
		found, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range found {
			rel, _ := filepath.Rel(root, f)
			texts = append(texts, filepath.ToSlash(rel))
		}
	}
	var quoted []string
	for _, text := range texts {
		problems, q, err := CheckMeasured(root, text)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Error(p)
		}
		quoted = append(quoted, q...)
	}
	files, err := filepath.Glob(filepath.Join(root, "[0-9][0-9]-*", "measured.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no chapter has a measured.json")
	}
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		rel = filepath.ToSlash(rel)
		m, err := ReadMeasured(root, rel)
		if err != nil {
			t.Error(err)
			continue
		}
		for _, fig := range m.Figures {
			if !slices.Contains(quoted, rel+" "+fig.Name) {
				t.Errorf("%s: figure %q (%s) is quoted by no README and no deck", rel, fig.Name, fig.Value)
			}
		}
	}
}

// TestCheckMeasured: on a made-up chapter, a quote that agrees, one that
// does not, one of a figure that does not exist, a deck's bold marks, and a
// figure of a compare run.
func TestCheckMeasured(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"09-x/code.go": "package x\n",
		"09-x/measured.json": `{"machine": "a 2-core machine", "figures": [
			{"name": "speed", "value": "22x", "what": "fast over slow", "command": "go test -bench .", "measured": "2026-12-01", "code": ["09-x/code.go"]},
			{"name": "size", "value": "10.7 KB", "what": "per connection", "command": "go test -bench .", "measured": "2026-12-01", "code": ["09-x"]}]}`,
		"09-x/run.json": `{"results": [{"technique": "ws", "overhead_per_message": 3.27, "p50_ms": 1}]}`,
		"09-x/README.md": "# x\n\n<!-- measured: 09-x/measured.json speed size -->\nFast: **22x**, and\n10.7 KB each.\n\n" +
			"<!-- measured: 09-x/measured.json speed -->\nFast: 21x.\n\n<!-- measured: 09-x/measured.json colour -->\nred\n\n" +
			"<!-- measured: 09-x/run.json ws.overhead -->\n| ws | 3.3 B |\n",
		"slides/x.slide": "# x\n\n* Fast\n\n// measured: 09-x/measured.json speed size\n- *22x*, *10.7*KB* a connection\n",
	})
	got, quoted, err := CheckMeasured(root, "09-x/README.md")
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{
		{File: "09-x/README.md", Line: 7, Ref: "09-x/measured.json speed", Msg: `the file says "22x", the text that follows does not`},
		{File: "09-x/README.md", Line: 10, Ref: "09-x/measured.json colour", Msg: `09-x/measured.json has no figure "colour"`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("README problems (-want +got):\n%s", diff)
	}
	wantQuoted := []string{"09-x/measured.json speed", "09-x/measured.json size", "09-x/measured.json speed",
		"09-x/measured.json colour", "09-x/run.json ws.overhead"}
	if diff := cmp.Diff(wantQuoted, quoted); diff != "" {
		t.Errorf("quoted (-want +got):\n%s", diff)
	}
	got, _, err = CheckMeasured(root, "slides/x.slide")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("the deck's bold figures were not read as the reader sees them: %v", got)
	}
}
