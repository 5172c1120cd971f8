//go:build exercises

package ws_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"

	"example.com/wswalk/04-framing/client"
	"example.com/wswalk/04-framing/frame"
	"example.com/wswalk/04-framing/server"
)

// Exercise 6, fragment on the way out: WriteMessage sends a message of more
// than 16 KiB as fragments of 16 KiB (RFC 6455 §5.4), both ends: the server,
// whose frames gorilla's client reads, and the client, whose masked frames
// chapter 04's own Reader reads on the server.

// seen is one frame as it crossed the wire.
type seen struct {
	Fin    bool
	Opcode frame.Opcode
	Length int64
	Masked bool
}

const fragment = 16 << 10

// wantFrames is what a message of n bytes should become: 16 KiB frames, the
// first with the message's opcode, the rest continuations, FIN on the last.
func wantFrames(op frame.Opcode, n int, masked bool) []seen {
	var out []seen
	for {
		size := min(n, fragment)
		n -= size
		out = append(out, seen{Fin: n == 0, Opcode: op, Length: int64(size), Masked: masked})
		if n == 0 {
			return out
		}
		op = frame.OpContinuation
	}
}

func TestExercise6(t *testing.T) {
	// 40 KiB of text whose 2-byte characters straddle the cuts: a fragment
	// may end inside a character, the message must still arrive whole.
	text := strings.Repeat("é", 20<<10)
	binary := bytes.Repeat([]byte{0, 1, 2, 3, 4, 5, 6, 7}, 6<<10) // 48 KiB

	t.Run("server to gorilla", func(t *testing.T) {
		addr, _ := startEcho(t)
		rec := &recorder{}
		d := websocket.Dialer{
			HandshakeTimeout: 5 * time.Second,
			NetDialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
				c, err := (&net.Dialer{}).DialContext(ctx, network, a)
				return &recordingConn{Conn: c, rec: rec}, err
			},
		}
		c, resp, err := d.Dial("ws://"+addr+server.EchoPath, nil)
		if err != nil {
			t.Fatalf("gorilla Dial: %v", err)
		}
		resp.Body.Close()
		defer c.Close()
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		for _, m := range []struct {
			op   int
			data []byte
		}{
			{websocket.TextMessage, []byte(text)},
			{websocket.BinaryMessage, binary[:fragment]}, // exactly 16 KiB: one frame
		} {
			if err := c.WriteMessage(m.op, m.data); err != nil {
				t.Fatalf("gorilla write: %v", err)
			}
			op, got, err := c.ReadMessage()
			if err != nil {
				t.Fatalf("gorilla read of the echo: %v", err)
			}
			if op != m.op || !bytes.Equal(got, m.data) {
				t.Fatalf("gorilla got a message of %d bytes (type %d), want the %d sent (type %d), whole", len(got), op, len(m.data), m.op)
			}
		}
		got, err := rec.frames()
		if err != nil {
			t.Fatal(err)
		}
		want := append(wantFrames(frame.OpText, len(text), false), wantFrames(frame.OpBinary, fragment, false)...)
		check(t, "the server's echo of 40 KiB, then of 16 KiB, read by gorilla", want, got)
	})

	t.Run("client to our reader", func(t *testing.T) {
		addr, inbound := startEcho(t)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, _, err := client.Dial(ctx, "ws://"+addr+server.EchoPath, client.Options{})
		if err != nil {
			t.Fatalf("client.Dial: %v", err)
		}
		defer c.CloseNow()
		if err := c.WriteMessage(frame.OpBinary, binary); err != nil {
			t.Fatalf("client write: %v", err)
		}
		op, got, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("client read of the echo: %v", err)
		}
		if op != frame.OpBinary || !bytes.Equal(got, binary) {
			t.Fatalf("the echo is %d bytes (%v), want the %d sent (binary), whole", len(got), op, len(binary))
		}
		check(t, "the client's 48 KiB, read by the server", wantFrames(frame.OpBinary, len(binary), true), inbound())
	})
}

func check(t *testing.T, what string, want, got []seen) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: %d frame(s) on the wire; want fragments of at most 16 KiB: "+
			"the first text or binary with FIN=0, then continuations, only the last with FIN=1 (-want +got):\n%s",
			what, len(got), diff)
	}
}

// startEcho serves /echo on a free port; inbound returns the data frames
// the server's Reader has read so far (masked client frames, checked by
// every rule of the chapter).
func startEcho(t *testing.T) (addr string, inbound func() []seen) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var frames []seen
	srv := server.New(server.Config{
		Logf: func(string, ...any) {},
		Trace: func(_ string, in bool, h frame.Header, _ []byte) {
			if in && !h.Opcode.IsControl() {
				mu.Lock()
				frames = append(frames, seen{h.Fin, h.Opcode, h.Length, h.Masked})
				mu.Unlock()
			}
		},
	})
	go srv.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return ln.Addr().String(), func() []seen {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(frames)
	}
}

// recorder keeps every byte a client read from the server.
type recorder struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// frames parses what was read: the 101's head, then frame after frame.
func (r *recorder) frames() ([]seen, error) {
	r.mu.Lock()
	b := bytes.Clone(r.buf.Bytes())
	r.mu.Unlock()
	head := bytes.Index(b, []byte("\r\n\r\n"))
	if head < 0 {
		return nil, errors.New("no 101 response recorded")
	}
	br := bytes.NewReader(b[head+4:])
	var out []seen
	for {
		h, err := frame.ReadHeader(br)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("frame %d from the server: %v", len(out)+1, err)
		}
		out = append(out, seen{h.Fin, h.Opcode, h.Length, h.Masked})
		if _, err := io.CopyN(io.Discard, br, h.Length); err != nil {
			return out, fmt.Errorf("frame %d from the server is cut short: %v", len(out), err)
		}
	}
}

type recordingConn struct {
	net.Conn
	rec *recorder
}

func (c *recordingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.rec.mu.Lock()
	c.rec.buf.Write(p[:n])
	c.rec.mu.Unlock()
	return n, err
}
