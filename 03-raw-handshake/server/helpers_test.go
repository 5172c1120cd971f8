package server

import (
	"bytes"
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"example.com/wswalk/03-raw-handshake/handshake"
	"example.com/wswalk/03-raw-handshake/web"
)

// start runs a Server on a free loopback port until the test ends and
// returns its host:port. cfg may set the handshake policy; the origins of
// allow, if any, are allowed besides the server's own pages.
func start(t testing.TB, cfg handshake.Config, allow ...string) (*Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if len(allow) > 0 {
		if cfg.Origins, err = handshake.OriginsFor(ln.Addr(), allow...); err != nil {
			t.Fatal(err)
		}
	}
	return serve(t, &Server{Config: cfg, Pages: web.FS, Logf: t.Logf}, ln), ln.Addr().String()
}

// serve runs s on ln until the test ends, then shuts it down and checks
// that Serve returned ErrServerClosed.
func serve(t testing.TB, s *Server, ln net.Listener) *Server {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-done; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
	})
	return s
}

// recordingListener keeps, for every accepted connection, the first bytes
// read from and written to it: what really crossed the wire.
type recordingListener struct {
	net.Listener
	mu    sync.Mutex
	conns []*recordingConn
}

func (l *recordingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	rc := &recordingConn{Conn: c}
	l.mu.Lock()
	l.conns = append(l.conns, rc)
	l.mu.Unlock()
	return rc, nil
}

// upgraded returns the recording of the first connection that was answered
// with 101.
func (l *recordingListener) upgraded() (read, written []byte, ok bool) {
	return l.find(func(r, w []byte) bool { return bytes.HasPrefix(w, []byte("HTTP/1.1 101 ")) })
}

// requested returns the recording of the first connection whose request
// starts with prefix ("GET /messages").
func (l *recordingListener) requested(prefix string) (read, written []byte, ok bool) {
	return l.find(func(r, w []byte) bool { return bytes.HasPrefix(r, []byte(prefix)) })
}

func (l *recordingListener) find(match func(read, written []byte) bool) (read, written []byte, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range l.conns {
		c.mu.Lock()
		r, w := bytes.Clone(c.read), bytes.Clone(c.written)
		c.mu.Unlock()
		if match(r, w) {
			return r, w, true
		}
	}
	return nil, nil, false
}

const recordLimit = 16 << 10

type recordingConn struct {
	net.Conn
	mu            sync.Mutex
	read, written []byte
}

func (c *recordingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	if len(c.read) < recordLimit {
		c.read = append(c.read, p[:n]...)
	}
	c.mu.Unlock()
	return n, err
}

func (c *recordingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.mu.Lock()
	if len(c.written) < recordLimit {
		c.written = append(c.written, p[:n]...)
	}
	c.mu.Unlock()
	return n, err
}

// headLen is the length of an HTTP head in b, blank line included, or -1.
func headLen(b []byte) int {
	i := bytes.Index(b, []byte("\r\n\r\n"))
	if i < 0 {
		return -1
	}
	return i + 4
}

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}
