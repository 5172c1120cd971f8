package server

import (
	"net"
	"testing"
	"time"

	"example.com/wswalk/01-polling/wire"
	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"
)

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
	// Chapter 01's counter, the one behind its /stats: the same bytes, the
	// same way, so the figures of the two chapters compare.
	cl := wire.NewListener(ln)
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
	warm := cl.Stats()
	handshakeIn, handshakeOut := warm.BytesIn-13, warm.BytesOut-9

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
	end := cl.Stats()
	got := perMessage{(end.BytesIn - warm.BytesIn) / n, (end.BytesOut - warm.BytesOut) / n}
	want := perMessage{Up: 2 + 4 + int64(len(body)), Down: 2 + int64(len(body))}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("bytes per message (-want +got):\n%s", diff)
	}
	t.Logf("handshake once: %d bytes up, %d down; then per %d-byte message: %d up (%d of frame), %d down (%d of frame)",
		handshakeIn, handshakeOut, len(body), got.Up, got.Up-int64(len(body)), got.Down, got.Down-int64(len(body)))
}
