package web_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"example.com/wswalk/04-framing/frame"
	"example.com/wswalk/04-framing/server"
	"example.com/wswalk/testkit/browser"
)

// panelFrame is one frame as the page's panel shows it.
type panelFrame struct {
	Brief string // "in text FIN=1"
	Trace string // frame.Describe's drawing, as the page shows it
}

// readPanel waits until the panel shows at least n frames and returns them.
func readPanel(t *testing.T, ctx context.Context, n int) []panelFrame {
	t.Helper()
	const js = `Array.from(document.querySelectorAll("#frames li.frame"), li => ({
		Brief: (li.classList.contains("in") ? "in " : "out ") + li.querySelector(".op").textContent +
			" " + li.querySelector(".fin").textContent.slice(0, 5),
		Trace: li.querySelector("pre").textContent,
	}))`
	var got []panelFrame
	for {
		browser.Run(t, ctx, "read the frames panel", chromedp.Evaluate(js, &got))
		if len(got) >= n {
			return got
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the panel never showed %d frames: %v", n, got)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func briefs(fs []panelFrame) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Brief)
	}
	return out
}

// received records the frames the server read, through Config.Trace: the
// truth the panel is checked against.
type received struct {
	mu     sync.Mutex
	frames []string // frame.Describe of each frame read
}

func (r *received) trace(_ string, in bool, h frame.Header, p []byte) {
	if in {
		r.mu.Lock()
		r.frames = append(r.frames, frame.Describe(h, p))
		r.mu.Unlock()
	}
}

func (r *received) first() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.frames) == 0 {
		return ""
	}
	return r.frames[0]
}

// TestBrowserPanel types a message in the echo page and reads the frames
// panel: the masked bytes and key of the frame Chromium sent, exactly as
// the server received them; then a ping and the browser's pong, an echo
// in fragments that the page still shows whole, and both close frames.
func TestBrowserPanel(t *testing.T) {
	t.Parallel()
	var got received
	site := startSiteWith(t, server.Config{Trace: got.trace})
	ctx := browser.New(t, 30*time.Second)
	browser.Run(t, ctx, "open the echo page", chromedp.Navigate(site+"/echo.html"))
	browser.WaitText(t, ctx, "#status", "connected")

	browser.Run(t, ctx, "send a message",
		chromedp.SendKeys("#text", "Hello, frames", chromedp.ByQuery),
		chromedp.Click("#send", chromedp.ByQuery))
	browser.WaitText(t, ctx, "#log", "echoHello, frames")
	panel := readPanel(t, ctx, 2)
	if diff := cmp.Diff([]string{"in text FIN=1", "out text FIN=1"}, briefs(panel)); diff != "" {
		t.Errorf("a message and its echo (-want +got):\n%s", diff)
	}
	// The drawing holds the key and the masked bytes Chromium chose.
	sent := got.first()
	if diff := cmp.Diff(sent, panel[0].Trace); diff != "" {
		t.Errorf("the panel's frame against the server's (-server +panel):\n%s", diff)
	}
	for _, want := range []string{"MASK=1 len=13 key=", "wire ", `data 48 65 6c 6c 6f 2c 20 66 72 61 6d 65 73  "Hello, frames"`} {
		if !strings.Contains(panel[0].Trace, want) {
			t.Errorf("the browser's frame lacks %q:\n%s", want, panel[0].Trace)
		}
	}
	if strings.Contains(panel[1].Trace, "MASK=1") {
		t.Errorf("the server's frame is masked:\n%s", panel[1].Trace)
	}

	browser.Run(t, ctx, "ask for a ping", chromedp.Click("#ping", chromedp.ByQuery))
	panel = readPanel(t, ctx, 4)
	if diff := cmp.Diff([]string{"out ping FIN=1", "in pong FIN=1"}, briefs(panel[2:])); diff != "" {
		t.Errorf("ping and pong (-want +got):\n%s", diff)
	}
	// §5.5.3: the pong carries the ping's payload back.
	if ping, pong := dataOf(panel[2].Trace), dataOf(panel[3].Trace); ping == "" || ping != pong {
		t.Errorf("ping payload %q, pong payload %q", ping, pong)
	}

	browser.Run(t, ctx, "ask for fragments", chromedp.Click("#fragments", chromedp.ByQuery))
	browser.WaitText(t, ctx, "#panel-note", "fragments")
	browser.Run(t, ctx, "send a message",
		chromedp.SendKeys("#text", "in three pieces", chromedp.ByQuery),
		chromedp.Click("#send", chromedp.ByQuery))
	browser.WaitText(t, ctx, "#log", "echoin three pieces")
	panel = readPanel(t, ctx, 8)
	want := []string{"in text FIN=1", "out text FIN=0", "out continuation FIN=0", "out continuation FIN=1"}
	if diff := cmp.Diff(want, briefs(panel[4:])); diff != "" {
		t.Errorf("an echo in fragments (-want +got):\n%s", diff)
	}

	browser.Run(t, ctx, "close", chromedp.Click("#close", chromedp.ByQuery))
	browser.WaitText(t, ctx, "#status", "closed: 1000 closed from the panel")
	panel = readPanel(t, ctx, 10)
	if diff := cmp.Diff([]string{"out close FIN=1", "in close FIN=1"}, briefs(panel[8:])); diff != "" {
		t.Errorf("the closing handshake (-want +got):\n%s", diff)
	}
	for i, want := range []string{`code=1000 (normal closure) reason="closed from the panel"`, "code=1000 (normal closure)"} {
		if !strings.Contains(panel[8+i].Trace, want) {
			t.Errorf("close frame %d lacks %q:\n%s", i, want, panel[8+i].Trace)
		}
	}
	var disabled []bool
	browser.Run(t, ctx, "read the buttons", chromedp.Evaluate(`["ping", "fragments", "close"].map(id => document.getElementById(id).disabled)`, &disabled))
	if diff := cmp.Diff([]bool{true, true, true}, disabled); diff != "" {
		t.Errorf("buttons disabled after the close (-want +got):\n%s", diff)
	}
}

// dataOf returns the hex of a drawing's unmasked payload.
func dataOf(trace string) string {
	_, data, _ := strings.Cut(trace, "data ")
	hex, _, _ := strings.Cut(data, "  ")
	return hex
}

// TestBrowserChatPanel asks the chat room to send ann the next message in
// fragments: bob's message arrives whole in ann's log, in three frames in
// her panel, and not in fragments in bob's.
func TestBrowserChatPanel(t *testing.T) {
	t.Parallel()
	site := startSite(t)
	ann := browser.New(t, 30*time.Second)
	browser.Run(t, ann, "open ann's tab", chromedp.Navigate(site+"/chat.html?username=ann"))
	browser.WaitText(t, ann, "#status", "connected")
	browser.WaitText(t, ann, "#frames", "online")
	bob := browser.NewTab(t, ann)
	browser.Run(t, bob, "open bob's tab", chromedp.Navigate(site+"/chat.html?username=bob"))
	browser.WaitText(t, bob, "#status", "connected")
	browser.WaitText(t, ann, "#log", "bob")

	before := len(readPanel(t, ann, 0))
	browser.Run(t, ann, "ask for fragments", chromedp.Click("#fragments", chromedp.ByQuery))
	browser.WaitText(t, ann, "#panel-note", "fragments")
	const msg = "hi ann, in pieces"
	browser.Run(t, bob, "bob sends a message",
		chromedp.SendKeys("#text", msg, chromedp.ByQuery),
		chromedp.Click("#send", chromedp.ByQuery))
	browser.WaitText(t, ann, "#log", msg)
	panel := readPanel(t, ann, before+3)
	want := []string{"out text FIN=0", "out continuation FIN=0", "out continuation FIN=1"}
	if diff := cmp.Diff(want, briefs(panel[before:before+3])); diff != "" {
		t.Errorf("ann's panel (-want +got):\n%s", diff)
	}
	browser.WaitText(t, bob, "#log", msg)
	for _, f := range readPanel(t, bob, 0) {
		if strings.Contains(f.Brief, "continuation") {
			t.Errorf("bob's panel shows a fragment: %s", fmt.Sprint(f))
		}
	}
}
