package browser

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The screenshots in the chapters' READMEs: one per page, this size, PNG.
const (
	ShotWidth    = 900
	ShotHeight   = 600
	MaxShotBytes = 150 << 10
)

// ShotsEnv is the variable that makes the screenshot tests take the
// pictures again: WSWALK_SCREENSHOTS=1 go test ./01-polling/web -run TestScreenshots.
const ShotsEnv = "WSWALK_SCREENSHOTS"

// UpdateShots reports whether this run takes the screenshots again
// ($WSWALK_SCREENSHOTS=1). Without it, the screenshot tests only check the
// pictures already there (see CheckShots).
func UpdateShots() bool { return os.Getenv(ShotsEnv) == "1" }

// ShotViewport makes the tab ShotWidth by ShotHeight, so the page lays
// itself out as it will be shown. Run it before navigating.
func ShotViewport() chromedp.Action {
	return chromedp.EmulateViewport(ShotWidth, ShotHeight)
}

// Shot captures what the tab shows and writes it to path as PNG.
func Shot(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	var img []byte
	Run(t, ctx, "take a screenshot for "+path, chromedp.CaptureScreenshot(&img))
	if err := os.WriteFile(path, img, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", path, len(img))
}

// CheckShots checks the screenshots a README shows: each file in shots
// (paths relative to the test's directory) is a PNG of ShotWidth by
// ShotHeight, at most MaxShotBytes, and readme (also relative) has an
// image line for it.
func CheckShots(t testing.TB, readme string, shots ...string) {
	t.Helper()
	text, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	for _, shot := range shots {
		data, err := os.ReadFile(shot)
		if err != nil {
			t.Errorf("%v (take it with %s=1 go test -run TestScreenshots)", err, ShotsEnv)
			continue
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		switch {
		case err != nil:
			t.Errorf("%s is not a PNG: %v", shot, err)
		case cfg.Width != ShotWidth || cfg.Height != ShotHeight:
			t.Errorf("%s is %dx%d, want %dx%d", shot, cfg.Width, cfg.Height, ShotWidth, ShotHeight)
		case len(data) > MaxShotBytes:
			t.Errorf("%s is %d bytes, want at most %d", shot, len(data), MaxShotBytes)
		}
		rel, err := relTo(filepath.Dir(readme), shot)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(text), "]("+filepath.ToSlash(rel)+")") {
			t.Errorf("%s has no image line for %s: want ![...](%s)", readme, shot, filepath.ToSlash(rel))
		}
	}
}

// relTo is shot's path from dir, both relative to the working directory.
func relTo(dir, shot string) (string, error) {
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	absShot, err := filepath.Abs(shot)
	if err != nil {
		return "", err
	}
	return filepath.Rel(absDir, absShot)
}
