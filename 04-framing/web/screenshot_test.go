package web_test

import (
	"testing"
	"time"

	"example.com/wswalk/testkit/browser"
	"github.com/chromedp/chromedp"
)

// TestScreenshots checks the README's pictures of the echo and chat
// pages; with WSWALK_SCREENSHOTS=1 it takes them again first, from the
// chapter's real server, after a few messages and a ping.
func TestScreenshots(t *testing.T) {
	if browser.UpdateShots() {
		site := startSite(t)
		ctx := browser.New(t, 30*time.Second)
		browser.Run(t, ctx, "open the echo page", browser.ShotViewport(), chromedp.Navigate(site+"/echo.html"))
		browser.WaitText(t, ctx, "#status", "connected")
		for _, text := range []string{"Hello, frames", "<b>markup</b> stays text"} {
			browser.Run(t, ctx, "send "+text,
				chromedp.SendKeys("#text", text, chromedp.ByQuery), chromedp.Click("#send", chromedp.ByQuery))
			browser.WaitText(t, ctx, "#log", "echo"+text)
		}
		browser.Run(t, ctx, "ask for a ping", chromedp.Click("#ping", chromedp.ByQuery))
		browser.WaitText(t, ctx, "#frames", "pong")
		browser.Shot(t, ctx, "echo.png")

		// Two browsers, not two tabs: only a tab in front can be captured.
		ann := browser.New(t, 30*time.Second)
		browser.Run(t, ann, "open ann's tab", chromedp.Navigate(site+"/chat.html?username=ann"))
		browser.WaitText(t, ann, "#status", "connected")
		bob := browser.New(t, 30*time.Second)
		browser.Run(t, bob, "open bob's tab", browser.ShotViewport(), chromedp.Navigate(site+"/chat.html?username=bob"))
		browser.WaitText(t, bob, "#status", "connected")
		browser.Run(t, ann, "ann says hello",
			chromedp.SendKeys("#text", "hello bob, this is a JSON text frame", chromedp.ByQuery), chromedp.Click("#send", chromedp.ByQuery))
		browser.WaitText(t, bob, "#log", "hello bob")
		browser.Run(t, bob, "bob answers",
			chromedp.SendKeys("#text", "hi ann, it came unmasked", chromedp.ByQuery), chromedp.Click("#send", chromedp.ByQuery))
		browser.WaitText(t, bob, "#log", "hi ann")
		browser.Shot(t, bob, "chat.png")
	}
	browser.CheckShots(t, "../README.md", "echo.png", "chat.png")
}
