// Package pagetest checks a polling page in a real browser. Chapters 01 and
// 02 run the same checks on their pages, since both pages promise the same
// things: messages posted anywhere appear, as text, and the counters move.
package pagetest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/01-polling/site"
	"example.com/wswalk/01-polling/wire"
	"example.com/wswalk/testkit/browser"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
)

// Hostile is a message that would run script if a page put it into HTML.
const Hostile = `<b>x</b> <img src=x onerror="window.pwned=1"> <script>window.pwned=2</script>`

// Serve runs srv on a free loopback port for the rest of the test and
// returns its base URL ("http://127.0.0.1:port"). The test fails if the
// server does not stop cleanly.
func Serve(t *testing.T, srv *site.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server stopped with %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// Post sends a message through the HTTP API, as another client would.
func Post(t *testing.T, base, username, body string) {
	t.Helper()
	payload := fmt.Sprintf(`{"username":%q,"body":%q}`, username, body)
	resp, err := http.Post(base+"/messages", "application/json", strings.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /messages: %s", resp.Status)
	}
}

// Check opens base+"/"+query in a headless browser and checks the page:
//   - a message stored before the page opened is shown;
//   - a message posted through the API while it is open appears, and one
//     that looks like HTML appears as those characters, running nothing;
//   - the send form posts (store sees it) and shows the server's error for
//     a body over 4 KiB;
//   - the counters move: requests, empty answers, messages, delay, and the
//     server's /stats.
//
// query sets the page's pace (?interval=100ms, ?wait=300ms) so the check
// takes a few seconds.
func Check(t *testing.T, base, query string, store poll.Store) {
	ctx := browser.New(t, 30*time.Second)
	if _, err := store.Append("ann", "before the page opened"); err != nil {
		t.Fatal(err)
	}
	browser.Run(t, ctx, "open the page", chromedp.Navigate(base+"/"+query))
	browser.WaitText(t, ctx, "#messages", "before the page opened")

	checkParsers(t, ctx)

	Post(t, base, "mallory", Hostile)
	browser.WaitText(t, ctx, "#messages", Hostile)
	var shown struct {
		Body     string `json:"body"`
		User     string `json:"user"`
		Elements int    `json:"elements"` // elements the message created
		Pwned    bool   `json:"pwned"`
	}
	browser.Run(t, ctx, "read the hostile message", chromedp.Evaluate(`(() => {
		const li = document.querySelector("#messages li:last-child");
		return {
			body: li.querySelector(".body").textContent,
			user: li.querySelector(".user").textContent,
			elements: document.querySelectorAll("#messages b, #messages img, #messages script").length,
			pwned: window.pwned !== undefined,
		};
	})()`, &shown))
	want := shown
	want.Body, want.User, want.Elements, want.Pwned = Hostile, "mallory", 0, false
	if diff := cmp.Diff(want, shown); diff != "" {
		t.Fatalf("the message that looks like HTML (-want +got):\n%s", diff)
	}

	browser.Run(t, ctx, "send with the form",
		chromedp.SetValue("#body", "typed in the page", chromedp.ByQuery),
		chromedp.Click(`#send button`, chromedp.ByQuery))
	browser.WaitText(t, ctx, "#messages", "typed in the page")
	if got := store.Since(0); len(got) == 0 || got[len(got)-1].Body != "typed in the page" {
		t.Fatalf("the store's last message is not the one sent from the form: %v", got)
	}
	browser.Run(t, ctx, "send a body over 4 KiB",
		chromedp.SetValue("#body", strings.Repeat("y", poll.MaxBody+1), chromedp.ByQuery),
		chromedp.Click(`#send button`, chromedp.ByQuery))
	browser.WaitText(t, ctx, "#send-error", "body is over 4096 bytes")

	// Two messages arrived while the page was open: their delays count.
	// The empty answers come from the short interval or the short wait.
	waitTrue(t, ctx, "the counters move", `(() => {
		const n = (id) => Number(document.getElementById(id).textContent);
		return n("requests") >= 3 && n("empty") >= 1 && n("received") === 3 && n("errors") === 0 &&
			/\d/.test(document.getElementById("delay-median").textContent) &&
			/\d/.test(document.getElementById("delay-worst").textContent) &&
			n("srv-requests") > n("requests") && /\d/.test(document.getElementById("srv-out").textContent);
	})()`)

	// What one request costs on the wire, once the page is loaded: the
	// difference of two /stats readings over the page's own requests (its
	// polls and its /stats requests, which are much alike). Run with -v.
	var made int
	browser.Run(t, ctx, "read the request counter",
		chromedp.Evaluate(`Number(document.getElementById("requests").textContent)`, &made))
	first := stats(t, base)
	waitTrue(t, ctx, "five more requests",
		fmt.Sprintf(`Number(document.getElementById("requests").textContent) >= %d`, made+5))
	last := stats(t, base)
	n := last.Requests - first.Requests - 1 // without the second /stats call of ours
	if n > 0 {
		t.Logf("on the wire, per request from Chromium: %d bytes up (request line and headers), %d bytes down (status line, headers, body); %d requests",
			(last.BytesIn-first.BytesIn)/n, (last.BytesOut-first.BytesOut)/n, n)
	}
}

// checkParsers runs the page's own parsers of ?interval= / ?wait= and of
// the server's RFC 3339 times (Go writes nine fractional digits) in the
// browser.
func checkParsers(t *testing.T, ctx context.Context) {
	t.Helper()
	var got []float64
	browser.Run(t, ctx, "run the page's parsers", chromedp.Evaluate(`import("/common.js").then((m) => [
		m.parseDuration("5s", -1), m.parseDuration("500ms", -1), m.parseDuration("2", -1),
		m.parseDuration("1.5m", -1), m.parseDuration("abc", -1), m.parseDuration("10ms", -1, 50),
		m.parseDuration("", -1),
		m.serverTime("2026-11-25T09:00:00.123456789Z"), m.serverTime("2026-11-25T09:00:00Z"),
		m.serverTime("2026-11-25T10:00:00.5+01:00"),
	])`, &got, func(p *cdpruntime.EvaluateParams) *cdpruntime.EvaluateParams { return p.WithAwaitPromise(true) }))
	at := func(ms int) float64 {
		return float64(time.Date(2026, 11, 25, 9, 0, 0, ms*1e6, time.UTC).UnixMilli())
	}
	want := []float64{5000, 500, 2000, 90000, -1, -1, -1, at(123), at(0), at(500)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parseDuration and serverTime in the browser (-want +got):\n%s", diff)
	}
}

// stats reads the server's wire counters.
func stats(t *testing.T, base string) wire.Stats {
	t.Helper()
	resp, err := http.Get(base + "/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s wire.Stats
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// waitTrue evaluates js until it returns true, failing with what when the
// browser context's time is up.
func waitTrue(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	for {
		var ok bool
		if err := chromedp.Run(ctx, chromedp.Evaluate(js, &ok)); err != nil {
			t.Fatalf("browser: wait until %s: %v", what, err)
		}
		if ok {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("browser: never saw %s: %v", what, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// LastLine is the last message of Conversation.
const LastLine = "see you at the long-polling page"

// Conversation posts a few messages, so a screenshot of a page shows a
// room in use rather than an empty list.
func Conversation(t *testing.T, base string) {
	t.Helper()
	for _, m := range [][2]string{
		{"ann", "hello, is anyone polling?"},
		{"bob", "every second, like a clock"},
		{"ann", "most of my answers are empty"},
		{"carol", "<b>markup</b> stays text"},
		{"bob", LastLine},
	} {
		Post(t, base, m[0], m[1])
	}
}
