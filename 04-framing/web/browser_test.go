package web_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"example.com/wswalk/04-framing/chat"
	"example.com/wswalk/04-framing/server"
	"example.com/wswalk/04-framing/web"
	"example.com/wswalk/testkit/browser"
)

// startSite serves the pages, /echo and /chat as the chapter's main does.
func startSite(t *testing.T) string {
	t.Helper()
	return startSiteWith(t, server.Config{})
}

// startSiteWith is startSite with cfg's Trace.
func startSiteWith(t *testing.T, cfg server.Config) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Pages, cfg.Logf = web.FS, t.Logf
	srv := server.New(cfg)
	srv.Handle("/chat", (&chat.Room{}).Handle)
	go srv.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return "http://" + ln.Addr().String()
}

// TestBrowserChat opens the chat page in two tabs of Chromium: what ann
// types appears in bob's tab, as text (markup typed stays text).
func TestBrowserChat(t *testing.T) {
	t.Parallel()
	site := startSite(t)
	ann := browser.New(t, 30*time.Second)
	browser.Run(t, ann, "open ann's tab", chromedp.Navigate(site+"/chat.html?username=ann"))
	browser.WaitText(t, ann, "#status", "connected")
	bob := browser.NewTab(t, ann)
	browser.Run(t, bob, "open bob's tab", chromedp.Navigate(site+"/chat.html?username=bob"))
	browser.WaitText(t, bob, "#status", "connected")
	browser.WaitText(t, ann, "#log", "bob")

	const msg = "hello bob <b>not bold</b>"
	browser.Run(t, ann, "ann sends a message",
		chromedp.SendKeys("#text", msg, chromedp.ByQuery),
		chromedp.Click("#send", chromedp.ByQuery))
	browser.WaitText(t, bob, "#log", msg)
	var bold int
	browser.Run(t, bob, "count bold elements", chromedp.Evaluate(`document.querySelectorAll("#log b").length`, &bold))
	if bold != 0 {
		t.Errorf("the message became markup: %d <b> elements", bold)
	}
}

// TestBrowserEcho sends a message from the echo page through /echo and
// waits for it to come back: the log reads oldest first, as the chat's.
func TestBrowserEcho(t *testing.T) {
	t.Parallel()
	site := startSite(t)
	ctx := browser.New(t, 30*time.Second)
	browser.Run(t, ctx, "open the home page", chromedp.Navigate(site+"/"))
	browser.Run(t, ctx, "follow the echo link", chromedp.Click(`a[href="/echo.html"]`, chromedp.ByQuery))
	browser.WaitText(t, ctx, "#status", "connected")
	browser.Run(t, ctx, "send a message",
		chromedp.SendKeys("#text", "ping through frames", chromedp.ByQuery),
		chromedp.Click("#send", chromedp.ByQuery))
	browser.WaitText(t, ctx, "#log", "echoping through frames")
	var items []string
	browser.Run(t, ctx, "read the log", chromedp.Evaluate(`Array.from(document.querySelectorAll("#log li"), li => li.textContent)`, &items))
	if diff := cmp.Diff([]string{"sentping through frames", "echoping through frames"}, items); diff != "" {
		t.Errorf("echo log (-want +got):\n%s", diff)
	}
}
