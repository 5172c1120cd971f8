package compare_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"example.com/wswalk/05-gorilla-chat/compare"
	"example.com/wswalk/testkit/browser"
)

// TestPageShowsFourPanes opens /compare in a real browser, starts the
// clients with a fast clock, and waits until every pane has received ticks
// and the server's counters for it have moved, and shows its overhead per
// message; then a message typed into the send box shows in all four panes,
// as text.
func TestPageShowsFourPanes(t *testing.T) {
	d, err := compare.New(compare.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(d.Handler())
	t.Cleanup(func() {
		srv.Close()
		d.Close()
	})

	began := time.Now()
	ctx := browser.New(t, 40*time.Second)
	t.Logf("browser started after %v", time.Since(began))
	browser.Run(t, ctx, "open /compare",
		chromedp.Navigate(srv.URL+"/compare"),
		chromedp.WaitVisible("#pane-ws"),
	)
	browser.WaitText(t, ctx, "#status", "press Start")
	var defaults map[string]string
	browser.Run(t, ctx, "read the default controls", chromedp.Evaluate(`({interval: document.querySelector("#interval").value,
		tick: document.querySelector("#tick").value})`, &defaults))
	// A quiet room by default: the panes differ at a glance.
	if diff := cmp.Diff(map[string]string{"interval": "1000", "tick": "5s"}, defaults); diff != "" {
		t.Errorf("default controls (-want +got):\n%s", diff)
	}
	browser.Run(t, ctx, "set the controls and start",
		chromedp.SetValue("#interval", "250", chromedp.ByQuery),
		chromedp.SetValue("#tick", "100ms", chromedp.ByQuery),
		chromedp.SetValue("#clients", "2", chromedp.ByQuery),
		chromedp.Click("#start", chromedp.ByQuery),
	)
	browser.WaitText(t, ctx, "#status", "running: 2 clients per pane")
	if got := d.Tick(); got != 100*time.Millisecond {
		t.Errorf("after Start the demo's clock ticks every %v, want the page's 100ms", got)
	}

	// Every pane: ticks received by both clients, requests, bytes both
	// ways (from the server's counters), a delay, a line on the chart.
	for _, name := range compare.Names {
		waitFor(t, ctx, fmt.Sprintf("%s pane counting ticks", name), fmt.Sprintf(`(() => {
			const p = document.querySelector("#pane-%s");
			const n = (k) => Number(p.querySelector('[data-k="' + k + '"]').textContent.replace(/,/g, ""));
			const points = p.querySelector("polyline").getAttribute("points") || "";
			return n("received") >= 10 && n("requests") >= 2 && n("up") > 0 && n("down") > 0 &&
				n("overhead") > 0 && !isNaN(n("setup")) &&
				p.querySelector('[data-k="median"]').textContent !== "–" &&
				points.split(" ").length >= 5 &&
				p.querySelector(".messages").textContent.includes("tick ");
		})()`, name))
	}
	t.Logf("four panes counting after %v", time.Since(began))
	// Short polling asks whether or not there is news; a stream and a
	// WebSocket asked once per client. The two that push set up first, and
	// then pay a few bytes a message where polling pays a whole exchange.
	var panes map[string]struct{ Requests, Setup, Overhead float64 }
	browser.Run(t, ctx, "read the counters", chromedp.Evaluate(`Object.fromEntries(["short","long","stream","ws"].map((n) => {
		const v = (k) => Number(document.querySelector("#pane-" + n + ' [data-k="' + k + '"]').textContent.replace(/,/g, ""));
		return [n, {Requests: v("requests"), Setup: v("setup"), Overhead: v("overhead")}];
	}))`, &panes))
	t.Logf("counters per pane: %+v", panes)
	for _, name := range []string{"stream", "ws"} {
		if p := panes[name]; p.Requests != 2 || p.Setup <= 0 || p.Overhead >= panes["long"].Overhead/10 {
			t.Errorf("%s pane: %+v, want 2 requests (one per client), set-up bytes, and a tenth of long polling's overhead (%v) at most",
				name, p, panes["long"].Overhead)
		}
	}
	if panes["short"].Setup != 0 || panes["long"].Setup != 0 {
		t.Errorf("polling panes show set-up bytes %v and %v, want 0: every poll is a whole exchange", panes["short"].Setup, panes["long"].Setup)
	}

	// What a browser's question costs, for the README: far more header
	// bytes than Go's client sends.
	short := d.Stats().Techniques["short"]
	t.Logf("Chromium's short polls: %d requests, %d bytes up, %d per request; %d bytes down, %d per answer",
		short.Requests, short.BytesIn, short.BytesIn/max(1, short.Requests), short.BytesOut, short.BytesOut/max(1, short.Requests))

	// Each pane lists its last few messages only: with the clock still
	// ticking every 100 ms the typed one would scroll out of sight before
	// a busy machine's next look. Stop the clock first (as a teacher
	// would, to show one message), so what is checked stays on screen.
	d.SetTick(0)
	const typed = "<b>hello</b> from the send box"
	browser.Run(t, ctx, "send a message",
		chromedp.SendKeys("#body", typed, chromedp.ByQuery),
		chromedp.Click("#send button", chromedp.ByQuery),
	)
	for _, name := range compare.Names {
		browser.WaitText(t, ctx, "#pane-"+name+" .messages", typed)
	}
	var bold int
	browser.Run(t, ctx, "look for markup from the message",
		chromedp.Evaluate(`document.querySelectorAll(".messages b").length`, &bold))
	if bold != 0 {
		t.Errorf("the message's <b> became %d elements: user text must be shown as text", bold)
	}

	browser.Run(t, ctx, "stop", chromedp.Click("#stop", chromedp.ByQuery))
	browser.WaitText(t, ctx, "#status", "stopped")
	deadline := time.Now().Add(5 * time.Second)
	for s := d.Stats(); s.WSClients != 0 || s.Streams != 0; s = d.Stats() {
		if time.Now().After(deadline) {
			t.Fatalf("%d WebSocket clients and %d streams still connected 5 s after Stop", s.WSClients, s.Streams)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitFor polls the page until the JavaScript expression js is true.
func waitFor(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	for {
		var ok bool
		if err := chromedp.Run(ctx, chromedp.Evaluate(js, &ok)); err != nil {
			t.Fatalf("browser: wait for %s: %v", what, err)
		}
		if ok {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("browser: %s never happened: %v", what, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
