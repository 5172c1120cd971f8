package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"example.com/wswalk/04-framing/client"
	"example.com/wswalk/04-framing/frame"
	"example.com/wswalk/04-framing/ws"
)

// panelEvents opens GET /trace?conn=id and returns its events as they come.
func panelEvents(t *testing.T, addr, id string) <-chan panelFrame {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	nc.Write([]byte("GET /trace?conn=" + id + " HTTP/1.1\r\nHost: " + addr + "\r\n\r\n"))
	br := bufio.NewReader(nc)
	status, _ := br.ReadString('\n')
	if status != "HTTP/1.1 200 OK\r\n" {
		t.Fatalf("GET /trace: %q", status)
	}
	for line, _ := br.ReadString('\n'); line != "\r\n"; line, _ = br.ReadString('\n') {
		if line == "" {
			t.Fatal("GET /trace: the head never ended")
		}
	}
	out := make(chan panelFrame, 64)
	go func() {
		defer close(out)
		event := ""
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimSpace(line[len("event: "):])
			case strings.HasPrefix(line, "data: ") && event == "frame":
				var f panelFrame
				json.Unmarshal([]byte(line[len("data: "):]), &f)
				out <- f
			case strings.HasPrefix(line, "data: ") && event == "end":
				out <- panelFrame{Op: "end"}
			}
		}
	}()
	return out
}

// post sends a panel button's request and returns the status line.
func post(t *testing.T, addr, path string) string {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	nc.Write([]byte("POST " + path + " HTTP/1.1\r\nHost: " + addr + "\r\nContent-Length: 0\r\n\r\n"))
	status, _ := bufio.NewReader(nc).ReadString('\n')
	return strings.TrimSpace(status)
}

// next returns the next n events.
func next(t *testing.T, events <-chan panelFrame, n int) []panelFrame {
	t.Helper()
	var got []panelFrame
	for range n {
		select {
		case f, ok := <-events:
			if !ok {
				t.Fatalf("the stream ended after %v", got)
			}
			got = append(got, f)
		case <-time.After(10 * time.Second):
			t.Fatalf("waited for %d events, got %v", n, got)
		}
	}
	return got
}

// brief is what the test compares: the frame without its drawing.
func brief(fs []panelFrame) []string {
	var out []string
	for _, f := range fs {
		dir := "out"
		if f.In {
			dir = "in"
		}
		fin := "FIN=0"
		if f.Fin {
			fin = "FIN=1"
		}
		out = append(out, strings.Join([]string{dir, f.Op, fin}, " "))
	}
	return out
}

// TestPanel drives the panel as the page does, with this chapter's client
// in place of the browser: the stream shows the masked frame the client
// sent exactly as the client drew it, then a ping and its pong, a message
// cut into fragments that still arrives whole, and both close frames.
func TestPanel(t *testing.T) {
	var termMu sync.Mutex
	var terminal []string // what -trace prints of the frames written
	_, addr := start(t, Config{Trace: func(_ string, in bool, h frame.Header, _ []byte) {
		if !in {
			termMu.Lock()
			terminal = append(terminal, h.Opcode.String())
			termMu.Unlock()
		}
	}})
	events := panelEvents(t, addr, "t1")

	var mu sync.Mutex
	var sent []string // the client's own drawings of the frames it wrote
	c, _, err := client.Dial(context.Background(), "ws://"+addr+"/echo?trace=t1", client.Options{Conn: ws.Options{
		Trace: func(in bool, h frame.Header, p []byte) {
			if !in {
				mu.Lock()
				sent = append(sent, frame.Describe(h, p))
				mu.Unlock()
			}
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()

	// A message and its echo: the server's drawing of what it read is the
	// client's of what it wrote, key and masked bytes included.
	c.WriteMessage(frame.OpText, []byte("Hello"))
	if _, msg, err := c.ReadMessage(); err != nil || string(msg) != "Hello" {
		t.Fatalf("echo: %q, %v", msg, err)
	}
	got := next(t, events, 2)
	mu.Lock()
	if diff := cmp.Diff(sent, []string{got[0].Trace}); diff != "" {
		t.Errorf("the panel's drawing of the client's frame (-client +panel):\n%s", diff)
	}
	mu.Unlock()
	if !strings.Contains(got[0].Trace, "MASK=1") || strings.Contains(got[1].Trace, "MASK=1") {
		t.Errorf("masking: in %q, out %q", got[0].Trace, got[1].Trace)
	}

	// Fragments: the next echo is three frames on the wire, one message
	// for the client.
	if status := post(t, addr, "/trace/fragments?conn=t1"); status != "HTTP/1.1 200 OK" {
		t.Fatalf("POST /trace/fragments: %s", status)
	}
	c.WriteMessage(frame.OpText, []byte("in three pieces"))
	if _, msg, err := c.ReadMessage(); err != nil || string(msg) != "in three pieces" {
		t.Fatalf("fragmented echo: %q, %v", msg, err)
	}
	frags := next(t, events, 4)
	if diff := cmp.Diff([]string{"in text FIN=1", "out text FIN=0", "out continuation FIN=0", "out continuation FIN=1"}, brief(frags)); diff != "" {
		t.Errorf("fragments (-want +got):\n%s", diff)
	}
	// -trace draws the frames that went on the wire too, not the one
	// the handler wrote.
	termMu.Lock()
	if diff := cmp.Diff([]string{"text", "text", "continuation", "continuation"}, terminal); diff != "" {
		t.Errorf("-trace of the frames written (-want +got):\n%s", diff)
	}
	termMu.Unlock()

	// Ping: the client answers while it reads; then close from the panel.
	ended := make(chan error, 1)
	go func() {
		_, _, err := c.ReadMessage()
		ended <- err
	}()
	if status := post(t, addr, "/trace/ping?conn=t1"); status != "HTTP/1.1 200 OK" {
		t.Fatalf("POST /trace/ping: %s", status)
	}
	if diff := cmp.Diff([]string{"out ping FIN=1", "in pong FIN=1"}, brief(next(t, events, 2))); diff != "" {
		t.Errorf("ping and pong (-want +got):\n%s", diff)
	}
	if status := post(t, addr, "/trace/close?conn=t1"); status != "HTTP/1.1 200 OK" {
		t.Fatalf("POST /trace/close: %s", status)
	}
	var ce *ws.CloseError
	if err := <-ended; !errors.As(err, &ce) || ce.Code != frame.CloseNormal {
		t.Fatalf("after the close button: %v", err)
	}
	if diff := cmp.Diff([]string{"out close FIN=1", "in close FIN=1", "out end FIN=0"}, brief(next(t, events, 3))); diff != "" {
		t.Errorf("close (-want +got):\n%s", diff)
	}
	if status := post(t, addr, "/trace/ping?conn=t1"); status != "HTTP/1.1 404 Not Found" {
		t.Errorf("POST /trace/ping after the end: %s, want 404", status)
	}
}

// TestPanelRequests checks the answers to requests the page never makes.
func TestPanelRequests(t *testing.T) {
	_, addr := start(t, Config{})
	for _, tc := range []struct{ req, want string }{
		{"GET /trace/ping?conn=x HTTP/1.1\r\n\r\n", "HTTP/1.1 405 Method Not Allowed"},
		{"POST /trace?conn=x HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 405 Method Not Allowed"},
		{"POST /trace/close?conn=a%20b HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 400 Bad Request"},
		{"POST /trace/close?conn=nobody HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 404 Not Found"},
		{"POST /trace/close?conn=x HTTP/1.1\r\nOrigin: http://evil.example\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 403 Forbidden"},
	} {
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		nc.SetDeadline(time.Now().Add(10 * time.Second))
		nc.Write([]byte(tc.req))
		status, _ := bufio.NewReader(nc).ReadString('\n')
		nc.Close()
		if diff := cmp.Diff(tc.want, strings.TrimSpace(status)); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.req, diff)
		}
	}
}

// TestPanelShutdown checks that an open trace stream with no WebSocket
// does not hold up Shutdown (Shutdown's read deadline ends it), and that a
// traced WebSocket gets its 1001 through the tap like any other, with the
// closing handshake in its panel.
func TestPanelShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := New(Config{Logf: func(string, ...any) {}})
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	events := panelEvents(t, ln.Addr().String(), "idle")
	traced := panelEvents(t, ln.Addr().String(), "busy")
	c, _, err := client.Dial(context.Background(), "ws://"+ln.Addr().String()+"/echo?trace=busy", client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	ended := make(chan error, 1)
	go func() {
		_, _, err := c.ReadMessage()
		ended <- err
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown with a trace stream open: %v", err)
	}
	if err := <-done; !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve returned %v", err)
	}
	if f, ok := <-events; ok {
		t.Errorf("the stream sent %v, want it closed", f)
	}
	var ce *ws.CloseError
	if err := <-ended; !errors.As(err, &ce) || ce.Code != frame.CloseGoingAway {
		t.Errorf("the traced client got %v, want 1001", err)
	}
	if diff := cmp.Diff([]string{"out close FIN=1", "in close FIN=1", "out end FIN=0"}, brief(next(t, traced, 3))); diff != "" {
		t.Errorf("the traced connection's panel (-want +got):\n%s", diff)
	}
}
