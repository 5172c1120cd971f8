package client

import (
	"bytes"
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

	"example.com/wswalk/04-framing/frame"
	"example.com/wswalk/04-framing/internal/gorillaecho"
	"example.com/wswalk/04-framing/server"
	"example.com/wswalk/04-framing/ws"
)

// gorillaEcho starts an echo server written with gorilla/websocket, which
// checks every frame our client sends (masking, lengths, UTF-8), and
// returns its ws:// URL.
func gorillaEcho(t testing.TB) string {
	t.Helper()
	return gorillaecho.Start(t, 32<<20)
}

// ourEcho starts chapter 04's own server and returns its /echo URL.
func ourEcho(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Config{MaxMessage: 32 << 20, Logf: func(string, ...any) {}})
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	return "ws://" + ln.Addr().String() + server.EchoPath
}

func dial(t testing.TB, url string, opt Options) *ws.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	opt.Conn.MaxMessage = 32 << 20
	c, _, err := Dial(ctx, url, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

// TestClientEcho sends text, binary, empty, 64 KiB and 16 MiB messages to
// gorilla's echo server and to ours, and expects each back unchanged.
func TestClientEcho(t *testing.T) {
	t.Parallel()
	big := make([]byte, 16<<20)
	for i := range big {
		big[i] = byte(i * 31)
	}
	for name, url := range map[string]string{"gorilla": gorillaEcho(t), "ours": ourEcho(t)} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := dial(t, url, Options{})
			for _, m := range []struct {
				op   frame.Opcode
				data []byte
			}{
				{frame.OpText, []byte("Hello")},
				{frame.OpText, []byte{}},
				{frame.OpText, []byte("κόσμε 🙂")},
				{frame.OpBinary, []byte{0, 1, 2, 0xff}},
				{frame.OpBinary, big[:64<<10]},
				{frame.OpBinary, big},
			} {
				if err := c.WriteMessage(m.op, m.data); err != nil {
					t.Fatal(err)
				}
				op, got, err := c.ReadMessage()
				if err != nil {
					t.Fatal(err)
				}
				if op != m.op || !bytes.Equal(got, m.data) {
					t.Fatalf("sent %d bytes as %s, got %d bytes as %s", len(m.data), m.op, len(got), op)
				}
			}
			var ce *ws.CloseError
			if err := c.CloseAndWait(frame.CloseNormal, "done"); !errors.As(err, &ce) || ce.Code != frame.CloseNormal {
				t.Errorf("close: %v, want the server's close 1000", err)
			}
		})
	}
}

// TestClientFragmentsAndPing sends a message in many small fragments with
// pings between them; the server must answer each ping at once and echo the
// joined message.
func TestClientFragmentsAndPing(t *testing.T) {
	t.Parallel()
	for name, url := range map[string]string{"gorilla": gorillaEcho(t), "ours": ourEcho(t)} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var pongs []string
			c := dial(t, url, Options{Conn: ws.Options{OnPong: func(p []byte) { pongs = append(pongs, string(p)) }}})
			var want []byte
			for i := range 1000 {
				op := frame.OpContinuation
				if i == 0 {
					op = frame.OpText
				}
				piece := []byte(strings.Repeat(string(rune('a'+i%26)), 3))
				want = append(want, piece...)
				if err := c.WriteFrame(i == 999, op, piece); err != nil {
					t.Fatal(err)
				}
				if i%250 == 0 {
					if err := c.Ping([]byte{byte(i / 250)}); err != nil {
						t.Fatal(err)
					}
				}
			}
			op, got, err := c.ReadMessage()
			if err != nil {
				t.Fatal(err)
			}
			if op != frame.OpText || !bytes.Equal(got, want) {
				t.Fatalf("got %d bytes as %s, want %d bytes of text", len(got), op, len(want))
			}
			if diff := cmp.Diff([]string{"\x00", "\x01", "\x02", "\x03"}, pongs); diff != "" {
				t.Errorf("pongs (-want +got):\n%s", diff)
			}
			c.CloseAndWait(frame.CloseNormal, "")
		})
	}
}

// TestClientRejectsBadAccept: a server whose Sec-WebSocket-Accept does not
// match the key is not a WebSocket server that understood us (§4.1).
func TestClientRejectsBadAccept(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		defer nc.Close()
		buf := make([]byte, 4096)
		nc.Read(buf)
		nc.Write([]byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
			"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"))
	}()
	_, _, err = Dial(context.Background(), "ws://"+ln.Addr().String()+"/echo", Options{Timeout: 5 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "Sec-WebSocket-Accept") {
		t.Fatalf("Dial: %v, want a Sec-WebSocket-Accept mismatch", err)
	}
}

// TestClientRejectsMaskedServerFrames: a server must not mask (§5.1); our
// client fails such a connection with 1002.
func TestClientRejectsMaskedServerFrames(t *testing.T) {
	t.Parallel()
	up := websocket.Upgrader{}
	seen := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			seen <- err
			return
		}
		defer c.Close()
		// A masked text frame, written under gorilla's feet.
		c.NetConn().Write([]byte{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58})
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, _, err = c.ReadMessage()
		seen <- err
	}))
	defer srv.Close()
	c := dial(t, "ws"+strings.TrimPrefix(srv.URL, "http"), Options{})
	_, _, err := c.ReadMessage()
	var pe *frame.ProtocolError
	if !errors.As(err, &pe) || pe.Code != frame.CloseProtocolError {
		t.Fatalf("ReadMessage: %v, want a 1002 protocol error", err)
	}
	if err := <-seen; !websocket.IsCloseError(err, websocket.CloseProtocolError) {
		t.Errorf("server saw %v, want close 1002 from the client", err)
	}
}

// TestDialBadURL: only ws:// URLs are dialled.
func TestDialBadURL(t *testing.T) {
	t.Parallel()
	for _, url := range []string{"http://127.0.0.1/", "wss://127.0.0.1/", "::"} {
		if _, _, err := Dial(context.Background(), url, Options{}); err == nil {
			t.Errorf("Dial(%q) succeeded", url)
		}
	}
}

// TestConcurrentWriters: eight goroutines write on one connection at once.
// Writes are serialised per frame, so gorilla's server, which fails the
// connection on any garbled frame, echoes every message intact.
func TestConcurrentWriters(t *testing.T) {
	t.Parallel()
	c := dial(t, gorillaEcho(t), Options{})
	const writers, each = 8, 100
	errs := make(chan error, writers)
	for w := range writers {
		go func() {
			msg := bytes.Repeat([]byte{byte('a' + w)}, 1000+w*5000) // 1 KB to 36 KB: each frame takes several TCP segments
			for range each {
				if err := c.WriteMessage(frame.OpText, msg); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	counts := map[byte]int{}
	for range writers * each {
		_, msg, err := c.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if len(msg) == 0 || !bytes.Equal(msg, bytes.Repeat(msg[:1], len(msg))) {
			t.Fatalf("a garbled message of %d bytes", len(msg))
		}
		counts[msg[0]]++
	}
	for range writers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	want := map[byte]int{}
	for w := range writers {
		want[byte('a'+w)] = each
	}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("messages echoed per writer (-want +got):\n%s", diff)
	}
}
