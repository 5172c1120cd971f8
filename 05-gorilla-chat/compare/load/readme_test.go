package load

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The measured figures are written once, by the command, into the
// figures files beside the compare README; the texts that quote them mark
// each table with a comment naming its file and form:
//
//	<!-- figures: 05-gorilla-chat/compare/figures.json table -->     (Markdown)
//	// figures: 05-gorilla-chat/compare/figures.json summary          (a deck)
//
// TestQuotedFiguresAreTheFigures writes every marked table again from its
// file and compares, so a new measurement updates every copy or fails.
// After measuring again, -update rewrites the marked tables in place:
//
//	go test ./05-gorilla-chat/compare/load -run TestQuotedFiguresAreTheFigures -update
var update = flag.Bool("update", false, "rewrite the tables quoted from the figures files")

var figuresMark = regexp.MustCompile(`^(?:<!--|//) figures: (\S+) (table|summary)(?: -->)?$`)

// quotingTexts are the texts that may quote figures, from the
// repository's root: every README and every deck.
func quotingTexts(root string) ([]string, error) {
	var texts []string
	for _, pattern := range []string{"README.md", "*/README.md", "*/*/README.md", "slides/*.slide"} {
		found, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			return nil, err
		}
		for _, f := range found {
			rel, _ := filepath.Rel(root, f)
			texts = append(texts, filepath.ToSlash(rel))
		}
	}
	return texts, nil
}

// figuresFiles are the files the command wrote: each must be quoted.
var figuresFiles = []string{"05-gorilla-chat/compare/figures*.json", "02-longpolling/figures*.json", "01-polling/figures*.json"}

func TestQuotedFiguresAreTheFigures(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	quoting, err := quotingTexts(root)
	if err != nil {
		t.Fatal(err)
	}
	quoted := map[string]bool{}
	for _, text := range quoting {
		b, err := os.ReadFile(filepath.Join(root, text))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		changed := false
		for i := 0; i < len(lines); i++ { // lines may change under -update
			m := figuresMark.FindStringSubmatch(strings.TrimSpace(lines[i]))
			if m == nil {
				continue
			}
			file, form := m[1], m[2]
			quoted[file] = true
			want, err := tableOf(filepath.Join(root, file), form)
			if err != nil {
				t.Errorf("%s:%d: %v", text, i+1, err)
				continue
			}
			start, got := tableAfter(lines, i+1)
			if diff := cmp.Diff(want, got); diff != "" && *update {
				lines = replaceRows(lines, start, len(got), want, strings.HasSuffix(text, ".slide"))
				changed = true
			} else if diff != "" {
				t.Errorf("%s:%d: the table is not what %s says (-file +text); write it with load.WriteMarkdown/WriteSummary:\n%s",
					text, i+1, file, diff)
			}
		}
		if changed {
			if err := os.WriteFile(filepath.Join(root, text), []byte(strings.Join(lines, "\n")), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("rewrote the quoted tables of %s", text)
		}
	}
	for _, pattern := range figuresFiles {
		files, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if name := filepath.Dir(pattern) + "/" + filepath.Base(f); !quoted[name] {
				t.Errorf("%s is quoted by no README and no deck: a measurement nobody reads", name)
			}
		}
	}
}

// tableOf writes the figures file's results in the given form, one line a
// row.
func tableOf(file, form string) ([]string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var o Output
	if err := json.Unmarshal(b, &o); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	write := WriteMarkdown
	if form == "summary" {
		write = WriteSummary
	}
	if err := write(&out, o.Results); err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n"), nil
}

// tableAfter returns where the table that follows line i starts (blank
// lines skipped) and its rows: its lines up to the first that is not a
// row, a deck's tab indent removed.
func tableAfter(lines []string, i int) (start int, rows []string) {
	mark := i
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	start = i
	for ; i < len(lines); i++ {
		row := strings.TrimPrefix(lines[i], "\t")
		if !strings.HasPrefix(row, "|") {
			break
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 { // no table yet: -update writes it right under the mark
		return mark, nil
	}
	return start, rows
}

// replaceRows puts rows in place of the n lines at start, indented by a
// tab in a deck (present shows indented lines as they are).
func replaceRows(lines []string, start, n int, rows []string, deck bool) []string {
	var put []string
	for _, r := range rows {
		if deck {
			r = "\t" + r
		}
		put = append(put, r)
	}
	if n == 0 && start < len(lines) && strings.TrimSpace(lines[start]) != "" {
		put = append(put, "") // a new table: a blank line between it and what follows
	}
	return append(lines[:start:start], append(put, lines[start+n:]...)...)
}

// TestMarkdownTable: the forms the texts quote, on a made-up result.
func TestMarkdownTable(t *testing.T) {
	t.Parallel()
	r := Result{Label: "Short polling", Requests: 3102, Empty: 117, BytesPerMessage: 372.4, SetupBytes: 0,
		OverheadPerMessage: 276.6, Delivered: 3000, Expected: 3000, P50Millis: 493.2, P99Millis: 992, CPUSeconds: 0.661}
	ws := Result{Label: "WebSocket", Requests: 100, BytesPerMessage: 108.4, SetupBytes: 32600,
		OverheadPerMessage: 2.04, Delivered: 3000, Expected: 3000, P50Millis: 1.412, P99Millis: 5.2, CPUSeconds: 0.05}
	var table, summary bytes.Buffer
	if err := WriteMarkdown(&table, []Result{r, ws}); err != nil {
		t.Fatal(err)
	}
	if err := WriteSummary(&summary, []Result{r, ws}); err != nil {
		t.Fatal(err)
	}
	want := "| technique | requests | empty | bytes/message | set-up bytes | overhead/message | delivered/expected | median delay | p99 delay | server CPU |\n" +
		"|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n" +
		"| Short polling | 3,102 | 117 | 372 | 0 | 277 | 1.000 (3000/3000) | 493 ms | 992 ms | 0.66 s |\n" +
		"| WebSocket | 100 | 0 | 108 | 32,600 | 2.0 | 1.000 (3000/3000) | 1.41 ms | 5.2 ms | 0.05 s |\n"
	if diff := cmp.Diff(want, table.String()); diff != "" {
		t.Errorf("WriteMarkdown (-want +got):\n%s", diff)
	}
	wantSummary := "| technique | requests | bytes/message | overhead/message | median delay |\n|---|---:|---:|---:|---:|\n" +
		"| Short polling | 3,102 | 372 B | 277 B | 493 ms |\n| WebSocket | 100 | 108 B | 2.0 B | 1.41 ms |\n"
	if diff := cmp.Diff(wantSummary, summary.String()); diff != "" {
		t.Errorf("WriteSummary (-want +got):\n%s", diff)
	}
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
