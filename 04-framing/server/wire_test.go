package server

import (
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"
)

// countingListener counts the bytes its connections read and write: what
// really crossed the wire, headers included.
type countingListener struct {
	net.Listener
	in, out atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, l: l}, nil
}

type countingConn struct {
	net.Conn
	l *countingListener
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.l.in.Add(int64(n))
	return n, err
}

// Write counts p before it can reach the peer, so a client that has read
// an answer always finds it counted; what the kernel did not take is taken
// back after.
func (c *countingConn) Write(p []byte) (int, error) {
	c.l.out.Add(int64(len(p)))
	n, err := c.Conn.Write(p)
	c.l.out.Add(int64(n - len(p)))
	return n, err
}

// TestBytesOnTheWire measures what one chat-sized message costs on the
// wire once the connection is open: the payload plus 2 bytes of header and
// 4 of masking key from the client, plus 2 bytes of header back. Compare
// with the hundreds of bytes of HTTP head per message of chapters 01-02.
// Run with -v to see the figures.
func TestBytesOnTheWire(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cl := &countingListener{Listener: ln}
	srv := New(Config{Logf: func(string, ...any) {}})
	go srv.Serve(cl)
	defer srv.Shutdown(t.Context())

	c, resp, err := websocket.DefaultDialer.Dial("ws://"+ln.Addr().String()+EchoPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	// One round trip to get past the handshake, then count from zero.
	c.WriteMessage(websocket.TextMessage, []byte("warm-up"))
	if _, _, err := c.ReadMessage(); err != nil {
		t.Fatal(err)
	}
	handshakeIn, handshakeOut := cl.in.Load()-13, cl.out.Load()-9
	cl.in.Store(0)
	cl.out.Store(0)

	const n = 100
	body := []byte(`{"body":"hello, room"}`) // 22 bytes, a typical chat message
	for range n {
		if err := c.WriteMessage(websocket.TextMessage, body); err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.ReadMessage(); err != nil {
			t.Fatal(err)
		}
	}
	type perMessage struct{ Up, Down int64 }
	got := perMessage{cl.in.Load() / n, cl.out.Load() / n}
	want := perMessage{Up: 2 + 4 + int64(len(body)), Down: 2 + int64(len(body))}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("bytes per message (-want +got):\n%s", diff)
	}
	t.Logf("handshake once: %d bytes up, %d down; then per %d-byte message: %d up (%d of frame), %d down (%d of frame)",
		handshakeIn, handshakeOut, len(body), got.Up, got.Up-int64(len(body)), got.Down, got.Down-int64(len(body)))
}
