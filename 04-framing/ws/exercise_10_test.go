//go:build exercises

package ws_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"example.com/wswalk/03-raw-handshake/handshake"
	"example.com/wswalk/04-framing/server"
	"example.com/wswalk/04-framing/ws"
)

// Exercise 10, time a round trip: Conn.RoundTrip pings the peer with a
// payload of its own and returns when the pong carrying that payload is
// back (RFC 6455 §5.5.2-§5.5.3). The peer is gorilla's client, which
// answers pings while it reads, or is told here to answer wrongly.

// roundTripper is the method the exercise adds to *ws.Conn.
type roundTripper interface {
	RoundTrip(ctx context.Context) (time.Duration, error)
}

// measured is what one RoundTrip on the server returned, and how long the
// call took as seen from outside.
type measured struct {
	d, took time.Duration
	err     error
}

func TestExercise10(t *testing.T) {
	if _, ok := any(&ws.Conn{}).(roundTripper); !ok {
		t.Fatal("ws.Conn has no method RoundTrip(ctx context.Context) (time.Duration, error) yet")
	}

	t.Run("the peer answers", func(t *testing.T) {
		results := startPinger(t, 2, 5*time.Second)
		dialPeer(t, results.addr, nil)
		for i := range 2 { // two at once: each must get its own pong
			r := <-results.c
			if r.err != nil {
				t.Fatalf("RoundTrip %d: %v, want the time of the round trip", i, r.err)
			}
			if r.d <= 0 || r.d > r.took {
				t.Errorf("RoundTrip %d = %v, but the call took %v: want a duration above 0 and at most that", i, r.d, r.took)
			}
		}
	})

	t.Run("a pong with another payload does not count", func(t *testing.T) {
		results := startPinger(t, 1, time.Second)
		dialPeer(t, results.addr, func(c *websocket.Conn) func(string) error {
			return func(string) error { // an unsolicited pong (§5.5.3), never the right one
				return c.WriteControl(websocket.PongMessage, []byte("not yours"), time.Now().Add(time.Second))
			}
		})
		if r := <-results.c; r.err == nil {
			t.Fatalf("RoundTrip = %v, nil after a pong whose payload was not its ping's; want it to wait for its own", r.d)
		}
	})

	t.Run("no answer: the context decides", func(t *testing.T) {
		results := startPinger(t, 1, 300*time.Millisecond)
		dialPeer(t, results.addr, func(*websocket.Conn) func(string) error {
			return func(string) error { return nil } // reads the ping, never answers
		})
		r := <-results.c
		if !errors.Is(r.err, context.DeadlineExceeded) {
			t.Fatalf("RoundTrip with no pong coming returned %v, %v; want an error wrapping context.DeadlineExceeded", r.d, r.err)
		}
	})
}

type pinger struct {
	addr string
	c    chan measured
}

// startPinger serves a path where the server, once a peer connects, calls
// RoundTrip n times at once, each with a context of timeout, while the
// handler goes on reading (pongs arrive in ReadMessage).
func startPinger(t *testing.T, n int, timeout time.Duration) pinger {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := pinger{addr: ln.Addr().String(), c: make(chan measured, n)}
	srv := server.New(server.Config{Logf: func(string, ...any) {}})
	srv.Handle("/rtt", func(c *ws.Conn, _ *handshake.Request) {
		rt := any(c).(roundTripper)
		for range n {
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), timeout)
				defer cancel()
				start := time.Now()
				d, err := rt.RoundTrip(ctx)
				p.c <- measured{d, time.Since(start), err}
			}()
		}
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	})
	go srv.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return p
}

// dialPeer connects gorilla's client and keeps it reading, so that it sees
// pings; onPing, if not nil, replaces gorilla's own answer.
func dialPeer(t *testing.T, addr string, onPing func(*websocket.Conn) func(string) error) {
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	c, resp, err := d.Dial("ws://"+addr+"/rtt", nil)
	if err != nil {
		t.Fatalf("gorilla Dial: %v", err)
	}
	resp.Body.Close()
	if onPing != nil {
		c.SetPingHandler(onPing(c))
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { c.Close(); <-done })
}
