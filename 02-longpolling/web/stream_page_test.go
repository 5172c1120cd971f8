package web_test

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/01-polling/site"
	"example.com/wswalk/01-polling/web/pagetest"
	"example.com/wswalk/02-longpolling/longpoll"
	"example.com/wswalk/02-longpolling/stream"
	"example.com/wswalk/02-longpolling/web"
	"example.com/wswalk/testkit/browser"
)

// TestStreamPageAcrossRestart: the streaming page shows messages as they
// are stored, as text; when the server restarts under it, EventSource
// reconnects by itself with Last-Event-ID, and the page misses nothing
// and shows nothing twice, the one stored while it was away included.
func TestStreamPageAcrossRestart(t *testing.T) {
	board := longpoll.NewBoard(poll.NewLog())
	// A short retry, so the test does not wait EventSource's 2 s.
	srv := &site.Server{API: longpoll.NewHandler(board), Store: board, Pages: web.FS,
		Routes: map[string]http.Handler{"/events": stream.NewHandler(board, stream.Options{Retry: 200 * time.Millisecond})}}
	addr, stop := serveAt(t, srv, "127.0.0.1:0")
	base := "http://" + addr
	board.Append("ann", "before the page opened")

	ctx := browser.New(t, 40*time.Second)
	browser.Run(t, ctx, "open the streaming page", chromedp.Navigate(base+"/stream.html"))
	browser.WaitText(t, ctx, "#messages", "before the page opened")
	pagetest.Post(t, base, "mallory", pagetest.Hostile)
	browser.WaitText(t, ctx, "#messages", pagetest.Hostile)

	stop() // the server goes; the page's stream breaks
	board.Append("bob", "while the page was away")
	_, stop = serveAt(t, srv, addr)
	defer stop()
	browser.WaitText(t, ctx, "#messages", "while the page was away")
	pagetest.Post(t, base, "ann", "after the restart")
	browser.WaitText(t, ctx, "#messages", "after the restart")

	var shown struct {
		Items, Elements, Requests int
	}
	browser.Run(t, ctx, "count what is shown", chromedp.Evaluate(`({
		items: document.querySelectorAll("#messages li").length,
		elements: document.querySelectorAll("#messages b, #messages img, #messages script").length,
		requests: Number(document.getElementById("requests").textContent),
	})`, &shown))
	if shown.Items != 4 || shown.Elements != 0 || shown.Requests < 2 {
		t.Errorf("after the restart: %+v; want 4 messages, each once, no elements from a message, 2 or more requests", shown)
	}
}

// serveAt runs srv on addr until stop is called or the test ends.
func serveAt(t *testing.T, srv *site.Server, addr string) (string, func()) {
	t.Helper()
	var ln net.Listener
	var err error
	for range 50 { // the port may take a moment to be free again
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			if err := <-done; err != nil {
				t.Errorf("server stopped with %v", err)
			}
		}
	}
	t.Cleanup(stop)
	return ln.Addr().String(), stop
}
