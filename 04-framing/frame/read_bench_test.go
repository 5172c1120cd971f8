package frame

import (
	"bufio"
	"net"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// BenchmarkReadMasked reads one masked binary message per op, as a server
// reads a client, with our Reader and with gorilla/websocket's server Conn,
// side by side, from the same bytes in memory (no network). At 64 KiB the
// time is mostly unmasking and copying, so this is where the fast mask
// shows against gorilla's.
//
//	go test ./04-framing/frame -run '^$' -bench ReadMasked -benchmem
func BenchmarkReadMasked(b *testing.B) {
	for _, size := range []int{125, 64 << 10} {
		payload := make([]byte, size)
		h := Header{Fin: true, Opcode: OpBinary, Masked: true, Key: rfcKey, Length: int64(size)}
		msg := append(AppendHeader(nil, h), payload...)
		MaskNaive(rfcKey, 0, msg[len(msg)-size:])

		b.Run(sizeName(size)+"/ours", func(b *testing.B) {
			r := NewReader(bufio.NewReader(&loop{frame: msg}), true)
			r.MaxMessage = -1
			b.SetBytes(int64(size))
			for b.Loop() {
				if _, p, err := r.Next(); err != nil || len(p) != size {
					b.Fatal(err)
				}
			}
		})
		b.Run(sizeName(size)+"/gorilla", func(b *testing.B) {
			c := gorillaServerConn(b, &loop{frame: msg})
			b.SetBytes(int64(size))
			for b.Loop() {
				if _, p, err := c.ReadMessage(); err != nil || len(p) != size {
					b.Fatal(err)
				}
			}
		})
	}
}

// loop is a connection whose peer sends the same frame for ever and
// swallows whatever is written.
type loop struct {
	frame []byte
	at    int
}

func (l *loop) Read(p []byte) (int, error) {
	n := copy(p, l.frame[l.at:])
	l.at = (l.at + n) % len(l.frame)
	return n, nil
}

func (l *loop) Write(p []byte) (int, error)      { return len(p), nil }
func (l *loop) Close() error                     { return nil }
func (l *loop) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (l *loop) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (l *loop) SetDeadline(time.Time) error      { return nil }
func (l *loop) SetReadDeadline(time.Time) error  { return nil }
func (l *loop) SetWriteDeadline(time.Time) error { return nil }

// gorillaServerConn upgrades a made-up request over nc with gorilla's
// Upgrader, giving a server Conn that reads nc's frames.
func gorillaServerConn(b *testing.B, nc net.Conn) *websocket.Conn {
	req := httptest.NewRequest("GET", "http://example.com/echo", nil)
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Sec-WebSocket-Version", "13")
	req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	w := &hijacker{ResponseRecorder: httptest.NewRecorder(), nc: nc}
	c, err := (&websocket.Upgrader{}).Upgrade(w, req, nil)
	if err != nil {
		b.Fatal(err)
	}
	c.SetReadLimit(-1)
	return c
}

type hijacker struct {
	*httptest.ResponseRecorder
	nc net.Conn
}

func (h *hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return h.nc, bufio.NewReadWriter(bufio.NewReader(h.nc), bufio.NewWriter(h.nc)), nil
}
