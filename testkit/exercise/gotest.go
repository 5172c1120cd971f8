package exercise

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Timeout is every go test's -timeout: nothing a student runs hangs past it.
const Timeout = "60s"

// Run is one go test to run from the repository root.
type Run struct {
	Pkg     string // ./01-polling/poll
	Tests   string // TestA|TestB, run as -run '^(TestA|TestB)$'; "" for all
	Tagged  bool   // with -tags exercises, so the checkers build
	Overlay string // an -overlay file, or ""
	Verbose bool
}

// Args are the arguments of go.
func (r Run) Args() []string {
	args := []string{"test", "-count=1", "-timeout", Timeout}
	if r.Tagged {
		args = append(args, "-tags", "exercises")
	}
	if r.Overlay != "" {
		args = append(args, "-overlay", r.Overlay)
	}
	if r.Verbose {
		args = append(args, "-v")
	}
	args = append(args, r.Pkg)
	if r.Tests != "" {
		args = append(args, "-run", "^("+r.Tests+")$")
	}
	return args
}

// Command is the run as a student would type it.
func (r Run) Command() string {
	args := r.Args()
	if r.Tests != "" {
		args[len(args)-1] = "'" + args[len(args)-1] + "'"
	}
	return "go " + strings.Join(args, " ")
}

// Result is what a go test answered.
type Result struct {
	Passed bool
	Output string
}

// GoTest runs r from root. go test bounds the tests at 60 s; the extra
// minute here is for the build, so even a wedged compiler cannot hang us.
func GoTest(ctx context.Context, root string, r Run) Result {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	goBin := os.Getenv("GO")
	if goBin == "" {
		goBin = "go"
	}
	cmd := exec.CommandContext(ctx, goBin, r.Args()...)
	cmd.Dir = root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		out.WriteString("\n(stopped: go test ran past " + Timeout + " and its build)\n")
	}
	return Result{Passed: err == nil, Output: out.String()}
}
