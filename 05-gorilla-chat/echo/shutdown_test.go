package echo

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"
)

// serve runs h on a free loopback port and returns its ws:// URL.
func serve(t *testing.T, h *Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		h.Shutdown(ctx)
	})
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

func dial(t *testing.T, url string) *websocket.Conn {
	c, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// echoOnce sends msg and checks that it comes back.
func echoOnce(t *testing.T, c *websocket.Conn, msg string) {
	t.Helper()
	if err := c.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, got, err := c.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(msg, string(got)); diff != "" {
		t.Fatalf("echo (-want +got):\n%s", diff)
	}
}

// TestShutdownSays1001 shuts down with two clients connected: each gets
// close 1001 "server shutting down", answers it (gorilla's client does),
// and Shutdown returns as soon as they are gone, well before closeWait,
// which only a peer that never answers would wait out. Then the handler
// refuses new connections with 503.
func TestShutdownSays1001(t *testing.T) {
	t.Parallel()
	h := New(Config{})
	url := serve(t, h)
	clients := []*websocket.Conn{dial(t, url), dial(t, url)}
	for _, c := range clients {
		echoOnce(t, c, "before")
	}

	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- h.Shutdown(context.Background()) }()

	var got []string
	for _, c := range clients {
		_, _, err := c.ReadMessage()
		var ce *websocket.CloseError
		if !errors.As(err, &ce) {
			t.Fatalf("client read %v, want a close frame", err)
		}
		got = append(got, ce.Error())
		c.Close() // after gorilla's answer to the close: the TCP side the server waits for
	}
	want := []string{"websocket: close 1001 (going away): server shutting down", "websocket: close 1001 (going away): server shutting down"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("what the clients got (-want +got):\n%s", diff)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if took := time.Since(start); took >= closeWait {
			t.Errorf("Shutdown took %v: it waited for a timeout, not for the clients' answers", took)
		}
	case <-time.After(closeWait):
		t.Fatalf("Shutdown has not returned %v after the clients answered", closeWait)
	}

	_, resp, err := websocket.DefaultDialer.Dial(url, nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("dial after Shutdown: %v (response %v), want 503", err, resp)
	}
}

// TestShutdownCutsWhenCtxEnds has a client that never reads, so it never
// answers the 1001: Shutdown gives up when ctx ends, cuts the connection
// and says so.
func TestShutdownCutsWhenCtxEnds(t *testing.T) {
	t.Parallel()
	h := New(Config{})
	c := dial(t, serve(t, h))
	echoOnce(t, c, "before")

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := h.Shutdown(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown: %v, want %v", err, context.DeadlineExceeded)
	}
	if took := time.Since(start); took >= closeWait {
		t.Errorf("Shutdown took %v, past its ctx's 100ms", took)
	}
	// What was sent before the cut still arrives: the 1001, then the end.
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err = c.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseGoingAway) {
		t.Errorf("client read %v, want close 1001", err)
	}
}

// TestKeepaliveDropsDeadPeer has a client that reads but never answers a
// ping: the server hangs up on it within PingPeriod+PongWait.
func TestKeepaliveDropsDeadPeer(t *testing.T) {
	t.Parallel()
	h := New(Config{PingPeriod: 50 * time.Millisecond, PongWait: 200 * time.Millisecond})
	dead := dial(t, serve(t, h))
	pings := 0
	dead.SetPingHandler(func(string) error { pings++; return nil }) // never a pong

	dead.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	_, _, err := dead.ReadMessage() // ends when the server hangs up
	if ne, ok := err.(net.Error); err == nil || ok && ne.Timeout() {
		t.Fatalf("a client that never answers pings is still connected after %v (read: %v)", time.Since(start), err)
	}
	if pings == 0 {
		t.Errorf("dropped without a ping first (read: %v)", err)
	}
}

// TestKeepaliveKeepsLivePeer has a client that answers pings (gorilla's
// does while it reads) and sends nothing for longer than
// PingPeriod+PongWait: its pongs keep it connected.
func TestKeepaliveKeepsLivePeer(t *testing.T) {
	t.Parallel()
	// PongWait leaves room for a slow pong on a busy machine.
	const period, wait = 100 * time.Millisecond, 2 * time.Second
	const quiet = period + wait + 500*time.Millisecond
	h := New(Config{PingPeriod: period, PongWait: wait})
	live := dial(t, serve(t, h))
	pings := make(chan string, 100)
	live.SetPingHandler(func(p string) error {
		pings <- p
		return live.WriteControl(websocket.PongMessage, []byte(p), time.Now().Add(time.Second))
	})
	got := make(chan string, 1)
	go func() {
		_, p, err := live.ReadMessage()
		if err != nil {
			got <- err.Error()
			return
		}
		got <- string(p)
	}()

	time.Sleep(quiet)
	if err := live.WriteMessage(websocket.TextMessage, []byte("still here")); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("still here", <-got); diff != "" {
		t.Errorf("the live client's echo after %v quiet and %d pings (-want +got):\n%s", quiet, len(pings), diff)
	}
	if len(pings) == 0 {
		t.Errorf("no ping in %v with PingPeriod %v", quiet, period)
	}
}

// TestCheckOrigin refuses a handshake the config's origin check refuses
// with 403 (the upgrader's answer).
func TestCheckOrigin(t *testing.T) {
	t.Parallel()
	h := New(Config{CheckOrigin: func(r *http.Request) bool {
		return r.Header.Get("Origin") == "http://good.example"
	}})
	url := serve(t, h)
	_, resp, err := websocket.DefaultDialer.Dial(url, http.Header{"Origin": {"http://evil.example"}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("dial from another origin: %v (response %v), want 403", err, resp)
	}
	c, _, err := websocket.DefaultDialer.Dial(url, http.Header{"Origin": {"http://good.example"}})
	if err != nil {
		t.Fatalf("dial from the allowed origin: %v", err)
	}
	defer c.Close()
	echoOnce(t, c, "allowed")
}
