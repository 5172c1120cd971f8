package chat_test

import (
	"context"
	"testing"
	"time"

	"example.com/wswalk/05-gorilla-chat/chat"
	"example.com/wswalk/testkit/browser"
	"github.com/chromedp/chromedp"
)

// TestScreenshots checks the README's picture of the chat page; with
// WSWALK_SCREENSHOTS=1 it takes it again first, from the chapter's real
// server with a few messages in the room.
func TestScreenshots(t *testing.T) {
	if browser.UpdateShots() {
		s := serve(t, "127.0.0.1:0", chat.Config{}, nil)
		ctx := browser.New(t, 30*time.Second)
		browser.Run(t, ctx, "open the page", browser.ShotViewport(), chromedp.Navigate(s.url()+"?username=ann"))
		browser.WaitText(t, ctx, "#state", "connected")
		bob := dialRoom(t, s.addr, "bob", "")
		for _, m := range []string{"hello ann, one frame per message", "<b>markup</b> stays text"} {
			if err := bob.WriteJSON(map[string]string{"body": m}); err != nil {
				t.Fatal(err)
			}
		}
		browser.WaitText(t, ctx, "#log", "stays text")
		browser.Run(t, ctx, "ann answers",
			chromedp.SendKeys("#body", "hi bob, and no request per message", chromedp.ByID), chromedp.KeyEvent("\r"))
		browser.WaitText(t, ctx, "#log", "hi bob")
		if err := s.room.Publish(context.Background(), "carol", "the server can speak first"); err != nil {
			t.Fatal(err)
		}
		browser.WaitText(t, ctx, "#log", "speak first")
		browser.Shot(t, ctx, "../web/chat.png")
	}
	browser.CheckShots(t, "../README.md", "../web/chat.png")
}
