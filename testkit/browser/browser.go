// Package browser starts a real, headless Chromium for the chapters' page
// tests and hands back a chromedp context to drive it.
//
// Every chapter's web page is checked in a real browser rather than by
// reading its HTML: the lesson is what a person sees, and only a browser runs
// the page's JavaScript, opens its WebSockets and renders its text.
//
// The browser is Debian's /usr/bin/chromium (override with WSWALK_CHROMIUM).
// `make test` installs it when it is missing; a test that needs it fails with
// the install command rather than skipping, because a skipped page test
// proves nothing.
package browser

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// DefaultPath is where Debian's chromium package installs the browser.
const DefaultPath = "/usr/bin/chromium"

// InstallHint is the one command that makes the browser available.
const InstallHint = "apt-get update && apt-get install -y chromium"

// Path returns the browser binary to use: $WSWALK_CHROMIUM, else DefaultPath.
func Path() string {
	if p := os.Getenv("WSWALK_CHROMIUM"); p != "" {
		return p
	}
	return DefaultPath
}

// Options are the Chromium flags the tests run with. Headless, no sandbox
// when running as root (Chromium refuses to start otherwise), and every
// kind of background networking off: the tests talk to loopback only, and a
// browser that phones home on start is slow and noisy on a closed network.
func Options() []chromedp.ExecAllocatorOption {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Path()),
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("safebrowsing-disable-auto-update", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	}
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	return opts
}

// New starts a browser for the test and returns a context for its first tab.
// The browser is closed when the test ends. Every action on the context is
// bounded by timeout, so a page that never shows what the test waits for
// fails the test instead of hanging it.
func New(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	if _, err := exec.LookPath(Path()); err != nil {
		t.Fatalf("browser tests need Chromium at %s: %v\ninstall it with: %s", Path(), err, InstallHint)
	}
	// A fresh profile per test, removed afterwards. Not t.TempDir: Chromium's
	// helper processes may still be flushing files as the browser exits, and
	// that must not fail the test.
	profile, err := os.MkdirTemp("", "wswalk-chromium-")
	if err != nil {
		t.Fatalf("browser profile dir: %v", err)
	}
	opts := append(Options(), chromedp.UserDataDir(profile))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
		for range 20 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
	// Start the browser now, so a browser that cannot start is reported as
	// such and not as the first action's failure.
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start Chromium (%s): %v", Path(), err)
	}
	return ctx
}

// NewTab opens another tab in the same browser as ctx, for tests where two
// people use one page (a chat between two tabs).
func NewTab(t testing.TB, ctx context.Context) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(ctx)
	t.Cleanup(cancel)
	if err := chromedp.Run(tab); err != nil {
		t.Fatalf("open a second tab: %v", err)
	}
	return tab
}

// Run runs actions on ctx and fails the test with what was being done.
func Run(t testing.TB, ctx context.Context, what string, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatalf("browser: %s: %v", what, err)
	}
}

// WaitText waits until the element matched by selector has text containing
// want, polling the page, and returns the element's full text.
func WaitText(t testing.TB, ctx context.Context, selector, want string) string {
	t.Helper()
	var got string
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? e.textContent : ""; })()`, selector)
	for {
		if err := chromedp.Run(ctx, chromedp.Evaluate(js, &got)); err != nil {
			if ctx.Err() != nil { // the time ran out while asking: the same failure as below
				t.Fatalf("browser: %q never appeared in %s (last text %q): %v", want, selector, got, ctx.Err())
			}
			t.Fatalf("browser: wait for %q in %s: %v (last text %q)", want, selector, err, got)
		}
		if strings.Contains(got, want) {
			return got
		}
		select {
		case <-ctx.Done():
			t.Fatalf("browser: %q never appeared in %s (last text %q): %v", want, selector, got, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
