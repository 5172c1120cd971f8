package handshake

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// chromiumRequest is the handshake Chromium sends for the chapter page (as
// recorded by TestBrowserPage), with the host fixed: the request both
// benchmarks read.
const chromiumRequest = "GET /ws HTTP/1.1\r\n" +
	"Host: 127.0.0.1:8003\r\n" +
	"Connection: Upgrade\r\n" +
	"Pragma: no-cache\r\n" +
	"Cache-Control: no-cache\r\n" +
	"User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36\r\n" +
	"Upgrade: websocket\r\n" +
	"Origin: http://127.0.0.1:8003\r\n" +
	"Sec-WebSocket-Version: 13\r\n" +
	"Accept-Encoding: gzip, deflate, br, zstd\r\n" +
	"Accept-Language: en-US,en;q=0.9\r\n" +
	"Sec-WebSocket-Key: PkUG4J17f25Vue7YXZGG3g==\r\n" +
	"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" +
	"\r\n"

// BenchmarkHandshake measures the server's side of one handshake, from the
// request's bytes in a buffered reader to the 101 written out, side by side:
//
//	ours:    ReadRequest + Validate + WriteAccepted
//	gorilla: net/http's ReadRequest + gorilla/websocket's Upgrader.Upgrade
//	         (which also sets up its *Conn, as a real server needs)
//
// No network: both read from memory and write to a counting sink, so the
// figures are the parsing and checking, not the kernel.
//
//	go test ./03-raw-handshake/handshake -run '^$' -bench Handshake -benchmem
func BenchmarkHandshake(b *testing.B) {
	b.Run("ours", func(b *testing.B) {
		src := strings.NewReader(chromiumRequest)
		br := bufio.NewReader(src)
		var sink countingWriter
		cfg := Config{Origins: mustOrigins(b, []string{"127.0.0.1:8003"})} // the server Chromium talked to
		b.ReportAllocs()
		b.SetBytes(int64(len(chromiumRequest)))
		for b.Loop() {
			src.Reset(chromiumRequest)
			br.Reset(src)
			req, err := ReadRequest(br)
			if err != nil {
				b.Fatal(err)
			}
			acc, err := Validate(req, cfg)
			if err != nil {
				b.Fatal(err)
			}
			if err := WriteAccepted(&sink, acc); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(sink.n)/float64(b.N), "resp-bytes/op")
	})

	b.Run("gorilla", func(b *testing.B) {
		src := strings.NewReader(chromiumRequest)
		br := bufio.NewReader(src)
		conn := &sinkConn{}
		bw := bufio.NewWriter(conn)
		up := websocket.Upgrader{} // default origin check: Origin's host equals Host
		b.ReportAllocs()
		b.SetBytes(int64(len(chromiumRequest)))
		for b.Loop() {
			src.Reset(chromiumRequest)
			br.Reset(src)
			req, err := http.ReadRequest(br)
			if err != nil {
				b.Fatal(err)
			}
			w := &hijacker{header: http.Header{}, conn: conn, brw: bufio.NewReadWriter(br, bw)}
			if _, err := up.Upgrade(w, req, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(conn.n)/float64(b.N), "resp-bytes/op")
	})
}

// TestBenchmarkPeersAgree checks that the two sides of BenchmarkHandshake
// do the same work: both accept the request, and answer with the same
// Sec-WebSocket-Accept.
func TestBenchmarkPeersAgree(t *testing.T) {
	req, err := ReadRequest(bufio.NewReader(strings.NewReader(chromiumRequest)))
	if err != nil {
		t.Fatal(err)
	}
	acc, err := Validate(req, Config{Origins: mustOrigins(t, []string{"127.0.0.1:8003"})})
	if err != nil {
		t.Fatal(err)
	}
	var ours bytes.Buffer
	WriteAccepted(&ours, acc)

	br := bufio.NewReader(strings.NewReader(chromiumRequest))
	hreq, err := http.ReadRequest(br)
	if err != nil {
		t.Fatal(err)
	}
	conn := &sinkConn{keep: true}
	w := &hijacker{header: http.Header{}, conn: conn, brw: bufio.NewReadWriter(br, bufio.NewWriter(conn))}
	if _, err := (&websocket.Upgrader{}).Upgrade(w, hreq, nil); err != nil {
		t.Fatal(err)
	}
	theirs, err := ReadResponse(bufio.NewReader(&conn.buf))
	if err != nil {
		t.Fatal(err)
	}
	mine, err := ReadResponse(bufio.NewReader(&ours))
	if err != nil {
		t.Fatal(err)
	}
	want := AcceptKey("PkUG4J17f25Vue7YXZGG3g==")
	for name, r := range map[string]*Response{"ours": mine, "gorilla": theirs} {
		if r.Status != 101 || r.Get("Sec-WebSocket-Accept") != want {
			t.Errorf("%s: %d, Sec-WebSocket-Accept %q; want 101, %q", name, r.Status, r.Get("Sec-WebSocket-Accept"), want)
		}
	}
}

// countingWriter counts what is written to it and drops it.
type countingWriter struct{ n int }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	return len(p), nil
}

// hijacker is the http.ResponseWriter a net/http server hands to a handler,
// reduced to what Upgrader.Upgrade uses: Hijack gives it the connection and
// the buffered reader that read the request.
type hijacker struct {
	header http.Header
	conn   net.Conn
	brw    *bufio.ReadWriter
}

func (h *hijacker) Header() http.Header         { return h.header }
func (h *hijacker) Write(p []byte) (int, error) { return len(p), nil }
func (h *hijacker) WriteHeader(int)             {}
func (h *hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return h.conn, h.brw, nil
}

// sinkConn is a net.Conn that reads nothing and counts (or keeps) what is
// written.
type sinkConn struct {
	n    int
	keep bool
	buf  bytes.Buffer
}

func (c *sinkConn) Read([]byte) (int, error) { return 0, io.EOF }
func (c *sinkConn) Write(p []byte) (int, error) {
	c.n += len(p)
	if c.keep {
		c.buf.Write(p)
	}
	return len(p), nil
}
func (c *sinkConn) Close() error                     { return nil }
func (c *sinkConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (c *sinkConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *sinkConn) SetDeadline(time.Time) error      { return nil }
func (c *sinkConn) SetReadDeadline(time.Time) error  { return nil }
func (c *sinkConn) SetWriteDeadline(time.Time) error { return nil }
