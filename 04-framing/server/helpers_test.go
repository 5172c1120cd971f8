package server

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"example.com/wswalk/03-raw-handshake/handshake"
	"example.com/wswalk/04-framing/frame"
)

// start runs a Server on a free loopback port and returns it with its
// address; it is shut down when the test ends.
func start(t testing.TB, cfg Config) (*Server, string) {
	t.Helper()
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {} // quiet; tests check behaviour, not logs
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := New(cfg)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
	})
	return srv, ln.Addr().String()
}

// rawConn is a client that speaks frames byte by byte, to send what no
// well-behaved client library would.
type rawConn struct {
	t  testing.TB
	nc net.Conn
	br *bufio.Reader
}

// dialRaw opens a TCP connection to addr and performs the handshake for path.
func dialRaw(t testing.TB, addr, path string) *rawConn {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(10 * time.Second)) // no test hangs
	br := bufio.NewReader(nc)
	if _, _, err := handshake.ClientHandshake(nc, br, handshake.ClientRequest{Host: addr, Target: path}); err != nil {
		t.Fatal(err)
	}
	return &rawConn{t: t, nc: nc, br: br}
}

// testKey is the masking key of RFC 6455 §5.7's examples.
var testKey = [4]byte{0x37, 0xfa, 0x21, 0x3d}

// clientFrame builds a masked frame as a client sends it.
func clientFrame(fin bool, op frame.Opcode, payload string) []byte {
	return rawFrame(frame.Header{Fin: fin, Opcode: op, Masked: true, Key: testKey}, payload)
}

// rawFrame builds any frame, h.Length taken from the payload.
func rawFrame(h frame.Header, payload string) []byte {
	h.Length = int64(len(payload))
	b := frame.AppendHeader(nil, h)
	at := len(b)
	b = append(b, payload...)
	if h.Masked {
		frame.Mask(h.Key, 0, b[at:])
	}
	return b
}

// send writes raw bytes; the peer may already have closed, which is fine
// for tests that expect it to.
func (c *rawConn) send(parts ...[]byte) {
	for _, p := range parts {
		if _, err := c.nc.Write(p); err != nil {
			return
		}
	}
}

// got is a frame the server sent, in a form cmp.Diff prints well. Close
// frames show their code instead of the payload.
type got struct {
	Op      frame.Opcode
	Fin     bool
	Payload string
	Code    frame.CloseCode
}

// readAll reads the server's frames until it closes the connection.
func (c *rawConn) readAll() []got {
	c.t.Helper()
	var out []got
	for {
		g, err := c.readFrame()
		if err == io.EOF {
			return out
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			c.t.Fatalf("the server sent %v, then neither sent more nor closed the connection (%v): it let through what it should have refused", out, err)
		}
		if err != nil {
			c.t.Fatalf("reading the server's frames: %v (so far %v)", err, out)
		}
		out = append(out, g)
	}
}

// readFrame reads one frame from the server and checks what every server
// frame must be: unmasked, no RSV bits, a close payload that parses.
func (c *rawConn) readFrame() (got, error) {
	h, err := frame.ReadHeader(c.br)
	if err != nil {
		return got{}, err
	}
	if h.Masked || h.Rsv() != 0 {
		c.t.Fatalf("server sent a masked or RSV frame: %+v", h)
	}
	p := make([]byte, h.Length)
	if _, err := io.ReadFull(c.br, p); err != nil {
		return got{}, err
	}
	g := got{Op: h.Opcode, Fin: h.Fin, Payload: string(p)}
	if h.Opcode == frame.OpClose {
		code, _, err := frame.ParseClose(p)
		if err != nil {
			c.t.Fatalf("server sent a bad close payload % x: %v", p, err)
		}
		// The reason is prose for people; the code is the contract.
		g.Payload, g.Code = "", code
	}
	return g, nil
}

// closeFrame is the close frame the server should send.
func closeFrame(code frame.CloseCode) got {
	return got{Op: frame.OpClose, Fin: true, Code: code}
}
