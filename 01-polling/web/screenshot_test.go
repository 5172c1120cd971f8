package web_test

import (
	"testing"
	"time"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/01-polling/site"
	"example.com/wswalk/01-polling/web"
	"example.com/wswalk/01-polling/web/pagetest"
	"example.com/wswalk/testkit/browser"
	"github.com/chromedp/chromedp"
)

// TestScreenshots checks the README's picture of the page; with
// WSWALK_SCREENSHOTS=1 it takes it again first, from the chapter's real
// server with a few messages in the room.
func TestScreenshots(t *testing.T) {
	if browser.UpdateShots() {
		store := poll.NewLog()
		base := pagetest.Serve(t, &site.Server{API: poll.NewHandler(store), Store: store, Pages: web.FS})
		pagetest.Conversation(t, base)
		ctx := browser.New(t, 30*time.Second)
		browser.Run(t, ctx, "open the page", browser.ShotViewport(), chromedp.Navigate(base+"/?interval=1s"))
		browser.WaitText(t, ctx, "#messages", pagetest.LastLine)
		pagetest.Post(t, base, "ann", "and one while the page is open")
		browser.WaitText(t, ctx, "#received", "6")
		browser.WaitText(t, ctx, "#srv-out", " B")
		browser.Shot(t, ctx, "page.png")
	}
	browser.CheckShots(t, "../README.md", "page.png")
}
