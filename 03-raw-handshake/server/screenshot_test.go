package server

import (
	"net"
	"testing"
	"time"

	"example.com/wswalk/03-raw-handshake/web"
	"example.com/wswalk/testkit/browser"
	"github.com/chromedp/chromedp"
)

// TestScreenshots checks the README's picture of the page; with
// WSWALK_SCREENSHOTS=1 it takes it again first, from the chapter's real
// server, once the page's WebSocket has opened, read its frame and closed.
func TestScreenshots(t *testing.T) {
	if browser.UpdateShots() {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		serve(t, &Server{Pages: web.FS, Logf: t.Logf}, ln)
		ctx := browser.New(t, 30*time.Second)
		browser.Run(t, ctx, "open the page", browser.ShotViewport(), chromedp.Navigate("http://"+ln.Addr().String()+"/"))
		browser.WaitText(t, ctx, "#log", "clean: true")
		browser.Shot(t, ctx, "../web/page.png")
	}
	browser.CheckShots(t, "../README.md", "../web/page.png")
}
