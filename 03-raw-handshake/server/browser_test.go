package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/wswalk/03-raw-handshake/handshake"
	"example.com/wswalk/03-raw-handshake/web"
	"example.com/wswalk/testkit/browser"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
)

// TestBrowserPage opens the chapter page in Chromium and checks what a
// student sees: the WebSocket opens, the hand-built text frame arrives as a
// message, and the close frame arrives as a clean close with its code and
// reason. It also checks, on the bytes recorded at the server, that
// Chromium's real handshake passes our reader and validation, and logs how
// many bytes each part took on the wire (run with -v to see them).
func TestBrowserPage(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rec := &recordingListener{Listener: ln}
	addr := ln.Addr().String()
	serve(t, &Server{Pages: web.FS, Logf: t.Logf}, rec)

	ctx := browser.New(t, 30*time.Second)
	browser.Run(t, ctx, "open the page", chromedp.Navigate("http://"+addr+"/"))
	browser.WaitText(t, ctx, "#log", "clean: true")

	type event struct{ Kind, Text string }
	var events []event
	browser.Run(t, ctx, "read the event log", chromedp.Evaluate(`Array.from(document.querySelectorAll("#log li"),
		li => ({Kind: li.querySelector(".tag").textContent, Text: li.querySelector(".text").textContent}))`, &events))
	want := []event{
		{"connect", `new WebSocket("ws://` + addr + `/ws")`},
		{"open", "101 Switching Protocols: the handshake succeeded"},
		{"message", DefaultMessage},
		{"close", "code 1000, reason “" + DefaultCloseReason + "”, clean: true"},
	}
	if diff := cmp.Diff(want, events); diff != "" {
		t.Errorf("events on the page (-want +got):\n%s", diff)
	}

	// The page redraws the frame from the message, byte by byte; it must be
	// the frame the server built.
	var shown string
	browser.Run(t, ctx, "read the frame bytes", chromedp.Evaluate(`document.querySelector("#bytes").textContent`, &shown))
	frame, _ := handshake.TextFrame(DefaultMessage)
	if diff := cmp.Diff(hex.EncodeToString(frame), shown); diff != "" {
		t.Errorf("frame bytes on the page (-want +got):\n%s", diff)
	}

	read, written, ok := rec.upgraded()
	if !ok {
		t.Fatal("no connection was answered with 101")
	}
	req, err := handshake.ReadRequest(bufio.NewReader(bytes.NewReader(read)))
	if err != nil {
		t.Fatalf("Chromium's handshake does not read: %v\n%s", err, read)
	}
	own, err := handshake.OriginsFor(ln.Addr())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := handshake.Validate(req, handshake.Config{Origins: own}); err != nil {
		t.Errorf("Chromium's handshake does not validate: %v\n%s", err, req)
	}
	if diff := cmp.Diff("http://"+addr, req.Get("Origin")); diff != "" {
		t.Errorf("Origin sent by the browser (-want +got):\n%s", diff)
	}
	reqLen, respLen := headLen(read), headLen(written)
	closing, _ := handshake.CloseFrame(1000, DefaultCloseReason)
	t.Logf("on the wire: Chromium's handshake request %d bytes, our 101 response %d bytes; "+
		"then the text frame %d bytes (2 of header + %d of text), the close frame %d bytes; "+
		"Chromium's masked close %d bytes",
		reqLen, respLen, len(frame), len(DefaultMessage), len(closing), len(read)-reqLen)
	t.Logf("Chromium's request:\n%s", strings.TrimSpace(string(read[:reqLen])))
	t.Logf("our response:\n%s", strings.TrimSpace(string(written[:respLen])))

	// For comparison with chapter 02: the request head the same browser
	// sends for one long poll, which chapter 02 pays for every message.
	browser.Run(t, ctx, "send a long-poll-shaped request", chromedp.Evaluate(`(() => {
		fetch("/messages?since=7&wait=30s").then(() => {
			const p = document.createElement("p");
			p.id = "fetched";
			p.textContent = "fetched";
			document.body.append(p);
		});
	})()`, nil))
	browser.WaitText(t, ctx, "#fetched", "fetched")
	poll, _, ok := rec.requested("GET /messages?since=7&wait=30s ")
	if !ok || headLen(poll) < 0 {
		t.Fatal("the long-poll-shaped request was not recorded")
	}
	t.Logf("for comparison, one long poll's request head from the same browser: %d bytes", headLen(poll))
}

// TestBrowserForeignOrigin opens the page of one server and from it a
// WebSocket to another server on another port: a different origin. The
// second server must refuse it with 403, and the page sees the failure as
// close code 1006 (no close frame: the connection never opened).
func TestBrowserForeignOrigin(t *testing.T) {
	t.Parallel()
	_, pageAddr := start(t, handshake.Config{})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var logged []string
	target := &Server{Pages: web.FS, Logf: func(format string, args ...any) {
		t.Logf(format, args...)
		mu.Lock()
		logged = append(logged, fmt.Sprintf(format, args...))
		mu.Unlock()
	}}
	serve(t, target, ln)
	targetAddr := ln.Addr().String()

	ctx := browser.New(t, 30*time.Second)
	browser.Run(t, ctx, "open the other server's page", chromedp.Navigate("http://"+pageAddr+"/"))
	browser.WaitText(t, ctx, "#log", "clean: true") // its own socket is same-origin and works
	browser.Run(t, ctx, "open a cross-origin WebSocket", chromedp.Evaluate(`(() => {
		const out = document.createElement("p");
		out.id = "foreign";
		document.body.append(out);
		const ws = new WebSocket("ws://`+targetAddr+`/ws");
		ws.onopen = () => { out.textContent += "open "; };
		ws.onerror = () => { out.textContent += "error "; };
		ws.onclose = (ev) => { out.textContent += "close " + ev.code; };
	})()`, nil))
	got := browser.WaitText(t, ctx, "#foreign", "close")
	if diff := cmp.Diff("error close 1006", got); diff != "" {
		t.Errorf("events of the cross-origin WebSocket (-want +got):\n%s", diff)
	}
	// What the browser does not show (it reports no status to the page),
	// the server's log does.
	mu.Lock()
	defer mu.Unlock()
	refused := false
	for _, line := range logged {
		refused = refused || strings.Contains(line, "403 Forbidden: origin not allowed")
	}
	if !refused {
		t.Errorf("the server did not log a 403 for the cross-origin handshake; it logged:\n%s", strings.Join(logged, "\n"))
	}
}

// TestBrowserDNSRebinding plays DNS rebinding in Chromium. The attacker's
// page comes from http://evil.example:PORT; then the attacker's DNS points
// evil.example at 127.0.0.1 (here a resolver rule does it from the start),
// and the page's WebSocket to ws://evil.example:PORT/ws reaches this
// server on the visitor's loopback. Host and Origin agree, and are both
// the attacker's: the server must refuse it, as no page it serves has that
// origin.
func TestBrowserDNSRebinding(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var logged []string
	serve(t, &Server{Pages: web.FS, Logf: func(format string, args ...any) {
		t.Logf(format, args...)
		mu.Lock()
		logged = append(logged, fmt.Sprintf(format, args...))
		mu.Unlock()
	}}, ln)
	_, port, _ := net.SplitHostPort(ln.Addr().String())

	opts := append(browser.Options(),
		chromedp.Flag("host-resolver-rules", "MAP evil.example 127.0.0.1"),
		chromedp.Flag("disable-features", "HttpsUpgrades"), // stay on http://, as the attacker's page does
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancelTab := chromedp.NewContext(alloc, chromedp.WithLogf(t.Logf))
	defer cancelTab()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	browser.Run(t, ctx, "open the attacker's page", chromedp.Navigate("http://evil.example:"+port+"/"))
	browser.WaitText(t, ctx, "#log", "close")

	var events []string
	browser.Run(t, ctx, "read the event log", chromedp.Evaluate(`Array.from(document.querySelectorAll("#log li .tag"), e => e.textContent)`, &events))
	if diff := cmp.Diff([]string{"connect", "error", "close"}, events); diff != "" {
		t.Errorf("events of the rebound page's WebSocket (-want +got):\n%s", diff)
	}
	mu.Lock()
	defer mu.Unlock()
	refused := false
	for _, line := range logged {
		refused = refused || strings.Contains(line, "403 Forbidden: origin not allowed")
	}
	if !refused {
		t.Errorf("the server did not log a 403 for the rebound page; it logged:\n%s", strings.Join(logged, "\n"))
	}
}
