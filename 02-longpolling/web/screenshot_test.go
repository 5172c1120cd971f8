package web_test

import (
	"net/http"
	"testing"
	"time"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/01-polling/site"
	"example.com/wswalk/01-polling/web/pagetest"
	"example.com/wswalk/02-longpolling/longpoll"
	"example.com/wswalk/02-longpolling/stream"
	"example.com/wswalk/02-longpolling/web"
	"example.com/wswalk/testkit/browser"
	"github.com/chromedp/chromedp"
)

// TestScreenshots checks the README's pictures of the long-polling and
// the streaming page; with WSWALK_SCREENSHOTS=1 it takes them again first,
// from the chapter's real server with a few messages in the room.
func TestScreenshots(t *testing.T) {
	if browser.UpdateShots() {
		board := longpoll.NewBoard(poll.NewLog())
		base := pagetest.Serve(t, &site.Server{API: longpoll.NewHandler(board), Store: board, Pages: web.FS,
			Routes: map[string]http.Handler{"/events": stream.NewHandler(board, stream.Options{})}})
		pagetest.Conversation(t, base)
		for page, shot := range map[string]string{"/": "longpoll.png", "/stream.html": "stream.png"} {
			ctx := browser.New(t, 30*time.Second)
			browser.Run(t, ctx, "open "+page, browser.ShotViewport(), chromedp.Navigate(base+page))
			browser.WaitText(t, ctx, "#messages", pagetest.LastLine)
			pagetest.Post(t, base, "ann", "and one while "+shot+" is open")
			browser.WaitText(t, ctx, "#messages", shot)
			browser.WaitText(t, ctx, "#srv-out", " B")
			browser.Shot(t, ctx, shot)
		}
	}
	browser.CheckShots(t, "../README.md", "longpoll.png", "stream.png")
}
