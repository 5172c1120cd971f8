package main

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"
)

// remeasure runs each quick figure's command once (figures that share a
// command share the run) and prints the lines of its output that carry
// figures (benchmark results and a -v test's log) under the values the
// texts quote.
func remeasure(w io.Writer, root string, figures []figure) error {
	var commands []string
	quoted := map[string][]figure{}
	for _, f := range figures {
		if !f.quick {
			continue
		}
		if _, seen := quoted[f.command]; !seen {
			commands = append(commands, f.command)
		}
		quoted[f.command] = append(quoted[f.command], f)
	}
	fmt.Fprintf(w, "\nmeasuring again the %d quick commands (the others take minutes: run them yourself)\n", len(commands))
	for _, c := range commands {
		fmt.Fprintf(w, "\n$ %s\n", c)
		for _, f := range quoted[c] {
			fmt.Fprintf(w, "  quoted: %s %s = %s\n", f.file, f.name, f.value)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		cmd := exec.CommandContext(ctx, "bash", "-c", c)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		cancel()
		for _, line := range figureLines(string(out)) {
			fmt.Fprintln(w, "  now:   ", line)
		}
		if err != nil {
			fmt.Fprintf(w, "  the command failed: %v\n", err)
		}
	}
	return nil
}

// figureLines keeps the lines of a go test run that carry figures: the
// benchmark results and what the tests logged (indented by go test).
func figureLines(out string) []string {
	var keep []string
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "Benchmark"), strings.HasPrefix(line, "    "):
			keep = append(keep, strings.TrimSpace(line))
		}
	}
	return keep
}
