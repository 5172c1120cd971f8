package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"example.com/wswalk/05-gorilla-chat/compare/load"
	"example.com/wswalk/slides"
)

// figure is one measured figure, or one whole compare run (its figures are
// all measured at once, by one command).
type figure struct {
	file, name, value string
	command           string
	quick             bool
	measured          time.Time
	code              []string
	codeChanged       time.Time // the newest commit that touched code
}

// olderThanCode: the code changed after the figure was measured. A
// measured.json gives only the day, so a change later that same day counts
// as newer only from the next day on.
func (f figure) olderThanCode() bool {
	if f.codeChanged.IsZero() {
		return false
	}
	return f.codeChanged.After(f.measured)
}

// compareCode is what a compare run measures: the command and the four
// techniques' servers.
var compareCode = []string{"05-gorilla-chat/compare", "05-gorilla-chat/cmd/compare", "01-polling/poll",
	"01-polling/wire", "02-longpolling/longpoll", "02-longpolling/stream"}

// collect reads every chapter's measured.json and every compare run's
// figures file.
func collect(root string) ([]figure, error) {
	var out []figure
	named, err := filepath.Glob(filepath.Join(root, "[0-9][0-9]-*", "measured.json"))
	if err != nil {
		return nil, err
	}
	for _, path := range named {
		file := rel(root, path)
		m, err := slides.ReadMeasured(root, file)
		if err != nil {
			return nil, err
		}
		for _, f := range m.Figures {
			day, _ := time.Parse(time.DateOnly, f.Date)
			out = append(out, figure{file: file, name: f.Name, value: f.Value, command: f.Command, quick: f.Quick,
				measured: day.Add(24*time.Hour - time.Second), code: f.Code})
		}
	}
	runs, err := filepath.Glob(filepath.Join(root, "[0-9][0-9]-*", "figures*.json"))
	if err != nil {
		return nil, err
	}
	more, err := filepath.Glob(filepath.Join(root, "[0-9][0-9]-*", "*", "figures*.json"))
	if err != nil {
		return nil, err
	}
	for _, path := range append(runs, more...) {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		var o load.Output
		if err := json.Unmarshal(b, &o); err != nil {
			return nil, fmt.Errorf("%s: %v", rel(root, path), err)
		}
		when, err := time.Parse(time.RFC3339, o.Measured)
		if err != nil {
			return nil, fmt.Errorf("%s: measured %q: %v", rel(root, path), o.Measured, err)
		}
		out = append(out, figure{file: rel(root, path), name: "(a whole run)", value: fmt.Sprintf("%d techniques", len(o.Results)),
			command: o.Command, measured: when, code: compareCode})
	}
	for i := range out {
		out[i].codeChanged = lastChange(root, out[i].code)
	}
	return out, nil
}

// notMeasuring is code that formats or checks figures without changing
// what is measured: a change there leaves every figure as it was.
var notMeasuring = []string{":(exclude,glob)**/markdown.go", ":(exclude,glob)**/quote.go", ":(exclude,glob)**/quote_test.go", ":(exclude,glob)**/readme_test.go",
	":(exclude,glob)**/*.svg.go", ":(exclude,glob)05-gorilla-chat/cmd/compare/main.go"}

// lastChange is the time of the newest commit that touched the code among
// paths: a folder stands for its Go, HTML, CSS and JavaScript files, not for
// the READMEs and data files beside them (zero outside a git checkout).
func lastChange(root string, paths []string) time.Time {
	var specs []string
	for _, p := range paths {
		if info, err := os.Stat(filepath.Join(root, p)); err == nil && info.IsDir() {
			for _, ext := range []string{"go", "html", "css", "js"} {
				specs = append(specs, ":(glob)"+p+"/**/*."+ext)
			}
			continue
		}
		specs = append(specs, p)
	}
	specs = append(specs, notMeasuring...)
	cmd := exec.Command("git", append([]string{"log", "-1", "--format=%cI", "--"}, specs...)...)
	cmd.Dir = root
	b, err := cmd.Output()
	if err != nil {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339, strings.TrimSpace(string(b)))
	return t.UTC()
}

func rel(root, path string) string {
	r, err := filepath.Rel(root, path)
	if err != nil {
		return path
	}
	return filepath.ToSlash(r)
}
