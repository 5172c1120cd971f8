package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"

	"example.com/wswalk/04-framing/frame"
)

// dialGorilla connects gorilla's client to our server's /echo.
func dialGorilla(t testing.TB, addr string, d *websocket.Dialer) *websocket.Conn {
	t.Helper()
	if d == nil {
		d = &websocket.Dialer{}
	}
	c, resp, err := d.Dial("ws://"+addr+EchoPath, nil)
	if err != nil {
		t.Fatalf("gorilla dial: %v", err)
	}
	resp.Body.Close()
	t.Cleanup(func() { c.Close() })
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	return c
}

// pattern returns n bytes that are not all alike, so a misplaced byte shows.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i>>8)
	}
	return b
}

// TestGorillaEcho has gorilla's client, a real and strict peer, send our
// /echo text and binary messages of every length class (7-bit, 16-bit and
// 64-bit lengths) up to 16 MiB, and expects each back unchanged.
func TestGorillaEcho(t *testing.T) {
	t.Parallel()
	_, addr := start(t, Config{MaxMessage: 16 << 20})
	c := dialGorilla(t, addr, nil)
	c.SetReadLimit(16 << 20)
	msgs := []struct {
		typ  int
		data []byte
	}{
		{websocket.TextMessage, []byte("Hello")},
		{websocket.TextMessage, []byte("")},
		{websocket.TextMessage, []byte("κόσμε, 世界, 🙂")},
		{websocket.BinaryMessage, pattern(125)},
		{websocket.BinaryMessage, pattern(126)},
		{websocket.BinaryMessage, pattern(64 << 10)},
		{websocket.BinaryMessage, pattern(64<<10 + 1)},
		{websocket.BinaryMessage, pattern(16 << 20)},
		{websocket.TextMessage, bytes.Repeat([]byte("a"), 1<<20)},
	}
	for _, m := range msgs {
		if err := c.WriteMessage(m.typ, m.data); err != nil {
			t.Fatalf("write %d bytes: %v", len(m.data), err)
		}
		typ, data, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("read echo of %d bytes: %v", len(m.data), err)
		}
		if typ != m.typ || !bytes.Equal(data, m.data) {
			t.Fatalf("echo of %d bytes of type %d: got %d bytes of type %d", len(m.data), m.typ, len(data), typ)
		}
	}
	closeGorilla(t, c, websocket.CloseNormalClosure)
}

// closeGorilla runs the closing handshake from gorilla's side and checks
// the server echoed code.
func closeGorilla(t testing.TB, c *websocket.Conn, code int) {
	t.Helper()
	msg := websocket.FormatCloseMessage(code, "bye")
	if err := c.WriteControl(websocket.CloseMessage, msg, time.Now().Add(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	_, _, err := c.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) {
		t.Fatalf("after close: %v, want a close frame", err)
	}
	if ce.Code != code {
		t.Errorf("server answered close %d with %d", code, ce.Code)
	}
}

// TestGorillaFragmented makes gorilla fragment: with a 512-byte write
// buffer, NextWriter sends a 100 KiB message as about 200 frames, one
// continuation after another. The server must join them.
func TestGorillaFragmented(t *testing.T) {
	t.Parallel()
	_, addr := start(t, Config{})
	c := dialGorilla(t, addr, &websocket.Dialer{WriteBufferSize: 512})
	want := bytes.Repeat([]byte("fragment "), 100<<10/9)
	w, err := c.NextWriter(websocket.TextMessage)
	if err != nil {
		t.Fatal(err)
	}
	for chunk := range slices.Chunk(want, 100) {
		if _, err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	typ, got, err := c.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	if typ != websocket.TextMessage || !bytes.Equal(got, want) {
		t.Fatalf("got %d bytes of type %d, want %d of text", len(got), typ, len(want))
	}
	closeGorilla(t, c, websocket.CloseGoingAway)
}

// TestGorillaPingPong: gorilla's pings come back as pongs with the same
// payload, in order, while messages keep flowing.
func TestGorillaPingPong(t *testing.T) {
	t.Parallel()
	_, addr := start(t, Config{})
	c := dialGorilla(t, addr, nil)
	var pongs []string
	c.SetPongHandler(func(p string) error { pongs = append(pongs, p); return nil })
	for _, p := range []string{"1", "", "a longer ping payload"} {
		if err := c.WriteControl(websocket.PingMessage, []byte(p), time.Now().Add(5*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	// The echo of this message comes after the three pongs, so reading it
	// means gorilla has handled them.
	if err := c.WriteMessage(websocket.TextMessage, []byte("after the pings")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.ReadMessage(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"1", "", "a longer ping payload"}, pongs); diff != "" {
		t.Errorf("pongs (-want +got):\n%s", diff)
	}
	closeGorilla(t, c, 4321)
}

// TestGorillaCloseCodes: the server echoes each valid close code gorilla
// sends (§5.5.1).
func TestGorillaCloseCodes(t *testing.T) {
	t.Parallel()
	_, addr := start(t, Config{})
	for _, code := range []int{1000, 1001, 1003, 1007, 1011, 3000, 4999} {
		closeGorilla(t, dialGorilla(t, addr, nil), code)
	}
}

// TestGorillaTooBig: a message over MaxMessage makes the server close with
// 1009, and gorilla reports it.
func TestGorillaTooBig(t *testing.T) {
	t.Parallel()
	_, addr := start(t, Config{MaxMessage: 1000})
	c := dialGorilla(t, addr, nil)
	if err := c.WriteMessage(websocket.BinaryMessage, make([]byte, 1001)); err != nil {
		t.Fatal(err)
	}
	_, _, err := c.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
		t.Fatalf("got %v, want close 1009", err)
	}
}

// TestShutdownSendsGoingAway: Shutdown closes open connections with 1001
// and returns once they have answered.
func TestShutdownSendsGoingAway(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := New(Config{CloseWait: 200 * time.Millisecond, Logf: func(string, ...any) {}})
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	// A client that connects and says nothing must not hold Shutdown up
	// for the handshake deadline.
	silent, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	c := dialGorilla(t, ln.Addr().String(), nil)
	// A round trip proves the handler is running before Shutdown.
	if err := c.WriteMessage(websocket.TextMessage, []byte("hi")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.ReadMessage(); err != nil {
		t.Fatal(err)
	}
	// gorilla answers the close frame inside ReadMessage.
	read := make(chan error, 1)
	go func() { _, _, err := c.ReadMessage(); read <- err }()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if ctx.Err() != nil {
		t.Errorf("Shutdown took over 5 s")
	}
	if err := <-read; !websocket.IsCloseError(err, websocket.CloseGoingAway) {
		t.Errorf("client saw %v, want close 1001", err)
	}
	if err := <-done; !errors.Is(err, ErrServerClosed) {
		t.Errorf("Serve: %v", err)
	}
}

// TestSilentClientTimesOut: a client that completes the handshake and then
// sends half a frame is cut off after ReadTimeout, with a close frame.
func TestSilentClientTimesOut(t *testing.T) {
	t.Parallel()
	_, addr := start(t, Config{ReadTimeout: 100 * time.Millisecond, CloseWait: 100 * time.Millisecond})
	c := dialRaw(t, addr, EchoPath)
	c.send([]byte{0x81}) // the first byte of a frame, and nothing more
	if diff := cmp.Diff([]got{closeFrame(frame.CloseGoingAway)}, c.readAll()); diff != "" {
		t.Errorf("frames from the server (-want +got):\n%s", diff)
	}
}

// TestIdleClientPinged: a client silent for ReadTimeout is pinged; one
// that answers stays, one that stays silent as long again is closed 1001.
func TestIdleClientPinged(t *testing.T) {
	t.Parallel()
	_, addr := start(t, Config{ReadTimeout: 100 * time.Millisecond, CloseWait: 100 * time.Millisecond})
	c := dialRaw(t, addr, EchoPath)
	var frames []got
	g, err := c.readFrame() // the keepalive ping
	if err != nil {
		t.Fatal(err)
	}
	frames = append(frames, g)
	c.send(clientFrame(true, frame.OpPong, ""), clientFrame(true, frame.OpText, "still here"))
	frames = append(frames, c.readAll()...)
	want := []got{
		{Op: frame.OpPing, Fin: true},
		{Op: frame.OpText, Fin: true, Payload: "still here"},
		{Op: frame.OpPing, Fin: true},
		closeFrame(frame.CloseGoingAway),
	}
	if diff := cmp.Diff(want, frames); diff != "" {
		t.Errorf("frames from the server (-want +got):\n%s", diff)
	}
}

// TestClientThatNeverReads: a client that sends but never reads fills the
// server's socket buffers; the write deadline frees the server's goroutine
// and Shutdown still completes.
func TestClientThatNeverReads(t *testing.T) {
	t.Parallel()
	srv, addr := start(t, Config{MaxMessage: 16 << 20, WriteTimeout: 200 * time.Millisecond, CloseWait: 100 * time.Millisecond})
	c := dialRaw(t, addr, EchoPath)
	// A small receive buffer, so the echo fills it after a few KiB.
	c.nc.(*net.TCPConn).SetReadBuffer(8 << 10)
	big := clientFrame(true, frame.OpBinary, string(pattern(4<<20)))
	// Write until our own writes block: the server has stopped reading
	// because its echo cannot be delivered.
	c.nc.SetWriteDeadline(time.Now().Add(2 * time.Second))
	for range 4 {
		if _, err := c.nc.Write(big); err != nil {
			break
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown with a stuck client: %v", err)
	}
	// The server closed the connection: reading ends, however much of the
	// echo had made it into the socket.
	c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.Copy(io.Discard, c.nc); err != nil && !isReset(err) {
		t.Fatalf("reading after the server gave up: %v", err)
	}
}

func isReset(err error) bool {
	var ne *net.OpError
	return errors.As(err, &ne) && !ne.Timeout()
}
