package main

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestCollectReadsEveryDataFile: the course's own figures, each with a
// command and a day, and every data file among them.
func TestCollectReadsEveryDataFile(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	figures, err := collect(root)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	for _, f := range figures {
		files[f.file] = true
		if f.command == "" || f.measured.IsZero() {
			t.Errorf("%s %s: no command or no day", f.file, f.name)
		}
	}
	for _, want := range []string{"01-polling/measured.json", "04-framing/measured.json", "06-redis-history/measured.json",
		"02-longpolling/figures-rate-1.json", "05-gorilla-chat/compare/figures.json"} {
		if !files[want] {
			t.Errorf("%s was not read", want)
		}
	}
}

// TestOlderThanCode: a figure measured on a day is older than a change of
// its code from the next day on, not than one of the same day.
func TestOlderThanCode(t *testing.T) {
	day, _ := time.Parse(time.DateOnly, "2026-11-25")
	measured := day.Add(24*time.Hour - time.Second)
	got := map[string]bool{}
	for name, changed := range map[string]time.Time{
		"same day": day.Add(20 * time.Hour), "next day": day.Add(30 * time.Hour), "before": day.Add(-time.Hour), "no git": {},
	} {
		got[name] = figure{measured: measured, codeChanged: changed}.olderThanCode()
	}
	want := map[string]bool{"same day": false, "next day": true, "before": false, "no git": false}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("olderThanCode (-want +got):\n%s", diff)
	}
}

// TestFigureLines keeps benchmark results and test logs, not go test's
// chatter.
func TestFigureLines(t *testing.T) {
	out := "goos: linux\nBenchmarkMask/fast-64KiB-2   100  2151 ns/op  30455 MB/s\n=== RUN   TestPage\n    page_test.go:80: 570 B up\nPASS\nok  x 1.2s\n"
	want := []string{"BenchmarkMask/fast-64KiB-2   100  2151 ns/op  30455 MB/s", "page_test.go:80: 570 B up"}
	if diff := cmp.Diff(want, figureLines(out)); diff != "" {
		t.Errorf("figureLines (-want +got):\n%s", diff)
	}
}
