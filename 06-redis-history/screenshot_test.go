package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"example.com/wswalk/06-redis-history/history"
	"example.com/wswalk/testkit/browser"
	"example.com/wswalk/testkit/redistest"
	"github.com/chromedp/chromedp"
	"github.com/redis/go-redis/v9"
)

// TestScreenshots checks the README's picture of the page; with
// WSWALK_SCREENSHOTS=1 it takes it again first: two real servers on one
// Redis room, ann's page on one, bob typing on the other.
func TestScreenshots(t *testing.T) {
	if browser.UpdateShots() {
		url := redistest.URL(t)
		room := fmt.Sprintf("screenshot-%d", time.Now().UnixNano())
		t.Cleanup(func() {
			opt, _ := redis.ParseURL(url)
			rdb := redis.NewClient(opt)
			defer rdb.Close()
			k := history.KeysFor(room)
			rdb.Del(context.Background(), k.Seq, k.History, k.Members)
		})
		a, _ := start(t, "-redis", url, "-room", room)
		b, _ := start(t, "-redis", url, "-room", room)
		ann := browser.New(t, 40*time.Second)
		browser.Run(t, ann, "open a's page", browser.ShotViewport(), chromedp.Navigate(a+"/?username=ann"))
		browser.WaitText(t, ann, "#status", "history on Redis")
		bob := browser.New(t, 40*time.Second)
		browser.Run(t, bob, "open b's page", chromedp.Navigate(b+"/?username=bob"))
		browser.WaitText(t, bob, "#status", "history on Redis")
		for _, m := range []struct {
			tab  context.Context
			text string
		}{
			{bob, "hello from server b"},
			{ann, "server a hears you, through Redis"},
			{bob, "and a page that reconnects resumes with ?since="},
		} {
			browser.Run(t, m.tab, "send "+m.text,
				chromedp.SendKeys("#body", m.text, chromedp.ByID), chromedp.Click("#send button", chromedp.ByQuery))
			browser.WaitText(t, ann, "#log", m.text)
		}
		browser.Shot(t, ann, "web/page.png")
	}
	browser.CheckShots(t, "README.md", "web/page.png")
}
