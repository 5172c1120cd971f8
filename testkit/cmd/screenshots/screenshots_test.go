package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScreenshots checks what `make screenshots` leaves: every page's
// picture is there, a PNG of the size the command takes, small enough for a
// README, and shown by the README beside it with its alt text. (Taking them
// needs every chapter's server and a minute: that is the command's job, not
// the test's.)
func TestScreenshots(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	for _, p := range pages {
		b, err := os.ReadFile(filepath.Join(root, p.file))
		if err != nil {
			t.Errorf("%s: %v (take it with make screenshots)", p.file, err)
			continue
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			t.Errorf("%s: not a PNG: %v", p.file, err)
			continue
		}
		if cfg.Width != Width || cfg.Height != Height {
			t.Errorf("%s is %dx%d, the command takes %dx%d", p.file, cfg.Width, cfg.Height, Width, Height)
		}
		if len(b) > 250<<10 {
			t.Errorf("%s is %d KiB: too big for a README", p.file, len(b)>>10)
		}
		readme := filepath.Join(root, filepath.Dir(p.file), "README.md")
		text, err := os.ReadFile(readme)
		if err != nil {
			t.Errorf("%s: %v", p.file, err)
			continue
		}
		if want := "![" + p.what + "](" + filepath.Base(p.file) + ")"; !strings.Contains(string(text), want) {
			t.Errorf("%s does not show %s: want the line\n%s", filepath.Join(filepath.Dir(p.file), "README.md"), p.file, want)
		}
	}
}
