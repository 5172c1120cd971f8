package compare_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"example.com/wswalk/05-gorilla-chat/compare"
	"example.com/wswalk/testkit/browser"
)

// TestScreenshots checks the README's picture of the side-by-side page;
// with WSWALK_SCREENSHOTS=1 it takes it again first, from the real demo
// server, running two clients per pane with a tick every 250 ms.
func TestScreenshots(t *testing.T) {
	if browser.UpdateShots() {
		d, err := compare.New(compare.Options{})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(d.Handler())
		t.Cleanup(func() {
			srv.Close()
			d.Close()
		})
		ctx := browser.New(t, 40*time.Second)
		browser.Run(t, ctx, "open /compare", browser.ShotViewport(),
			chromedp.Navigate(srv.URL+"/compare"), chromedp.WaitVisible("#pane-ws"))
		browser.WaitText(t, ctx, "#status", "press Start")
		browser.Run(t, ctx, "start two clients per pane",
			chromedp.SetValue("#interval", "1000", chromedp.ByQuery),
			chromedp.SetValue("#tick", "250ms", chromedp.ByQuery),
			chromedp.SetValue("#clients", "2", chromedp.ByQuery),
			chromedp.Click("#start", chromedp.ByQuery))
		browser.WaitText(t, ctx, "#status", "running")
		browser.Run(t, ctx, "send a message",
			chromedp.SendKeys("#body", "hello, all four panes", chromedp.ByQuery),
			chromedp.Click("#send button", chromedp.ByQuery))
		for _, name := range []string{"short", "long", "stream", "ws"} {
			browser.WaitText(t, ctx, "#pane-"+name+" .messages", "hello, all four panes")
		}
		browser.Run(t, ctx, "let the charts fill", chromedp.Sleep(3*time.Second))
		browser.Shot(t, ctx, "../web/compare.png")
	}
	browser.CheckShots(t, "README.md", "../web/compare.png")
}
