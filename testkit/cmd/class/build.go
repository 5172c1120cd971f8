package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// build compiles the six servers into dir with one `go build`, which builds
// them in parallel and links only what changed since the last time.
//
// Running compiled binaries, not `go run`, is the point of this command:
// `go run` is a parent of its own that a signal may kill while the server
// it started goes on holding the port.
func build(root, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	args := []string{"build", "-o", abs + string(filepath.Separator)}
	for _, c := range course {
		args = append(args, "./"+c.Dir)
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build of the six chapters: %w", err)
	}
	return nil
}
