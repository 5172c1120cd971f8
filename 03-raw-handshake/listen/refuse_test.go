package listen

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// acceptErr is how a failed accept(2) reaches Serve from net.TCPListener.
func acceptErr(errno syscall.Errno) error {
	return &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", errno)}
}

// fakeListener's Accept returns the errors of fails, in order, then the
// connections of conns, then blocks until Close.
type fakeListener struct {
	mu     sync.Mutex
	fails  []error
	conns  []net.Conn
	closed chan struct{}
	once   sync.Once
}

func newFakeListener(fails []error, conns ...net.Conn) *fakeListener {
	return &fakeListener{fails: fails, conns: conns, closed: make(chan struct{})}
}

func (l *fakeListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	switch {
	case len(l.fails) > 0:
		err := l.fails[0]
		l.fails = l.fails[1:]
		l.mu.Unlock()
		return nil, err
	case len(l.conns) > 0:
		c := l.conns[0]
		l.conns = l.conns[1:]
		l.mu.Unlock()
		return c, nil
	}
	l.mu.Unlock()
	<-l.closed
	return nil, net.ErrClosed
}

func (l *fakeListener) Close() error   { l.once.Do(func() { close(l.closed) }); return nil }
func (l *fakeListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

// logLines collects what a Loop logs.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logLines) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// Out of descriptors a few times in a row, then a connection: Serve backs
// off and goes on, handles the connection, and logs the burst once.
func TestServeRetriesAccept(t *testing.T) {
	t.Parallel()
	var logs logLines
	l := Loop{Logf: logs.logf}
	server, client := net.Pipe()
	defer client.Close()
	fails := []error{acceptErr(syscall.EMFILE), acceptErr(syscall.EMFILE), acceptErr(syscall.ENFILE), acceptErr(syscall.EMFILE)}
	ln := newFakeListener(fails, server)
	handled := make(chan struct{})
	served := make(chan error, 1)
	go func() { served <- l.Serve(ln, func(net.Conn) { close(handled) }) }()

	select {
	case <-handled:
	case err := <-served:
		t.Fatalf("Serve returned %v after a failed accept", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the connection behind the failed accepts was never handled")
	}
	l.Close()
	if err := <-served; !errors.Is(err, ErrClosed) {
		t.Errorf("Serve = %v, want ErrClosed", err)
	}
	want := []string{"listen: accept: accept tcp: accept4: too many open files; retrying from 5ms, doubling up to 1s (logged once per burst)"}
	if diff := cmp.Diff(want, logs.get()); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
}

// Close wakes a Serve that is pausing after a failed accept.
func TestCloseEndsBackoff(t *testing.T) {
	t.Parallel()
	var logs logLines
	l := Loop{Logf: logs.logf}
	fails := make([]error, 1000) // pauses that add up to minutes
	for i := range fails {
		fails[i] = acceptErr(syscall.EMFILE)
	}
	served := make(chan error, 1)
	go func() { served <- l.Serve(newFakeListener(fails), func(net.Conn) {}) }()
	for len(logs.get()) == 0 { // Serve has failed once and is pausing
		time.Sleep(time.Millisecond)
	}
	l.Close()
	select {
	case err := <-served:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("Serve = %v, want ErrClosed", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("Serve kept pausing after Close")
	}
}

// Only the errors that pass end Serve; the rest end it with the error.
func TestRetryable(t *testing.T) {
	t.Parallel()
	got := map[string]bool{}
	for _, err := range []error{
		acceptErr(syscall.EMFILE), acceptErr(syscall.ENFILE), acceptErr(syscall.ENOBUFS),
		acceptErr(syscall.ENOMEM), acceptErr(syscall.ECONNABORTED),
		os.ErrDeadlineExceeded, // a net.Error whose Timeout is true
		acceptErr(syscall.EINVAL), net.ErrClosed, io.EOF,
	} {
		got[err.Error()] = retryable(err)
	}
	want := map[string]bool{
		"accept tcp: accept4: too many open files":              true,
		"accept tcp: accept4: too many open files in system":    true,
		"accept tcp: accept4: no buffer space available":        true,
		"accept tcp: accept4: cannot allocate memory":           true,
		"accept tcp: accept4: software caused connection abort": true,
		"i/o timeout":                           true,
		"accept tcp: accept4: invalid argument": false,
		"use of closed network connection":      false,
		"EOF":                                   false,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("retryable (-want +got):\n%s", diff)
	}
	ln := newFakeListener([]error{acceptErr(syscall.EINVAL)})
	var l Loop
	if err := l.Serve(ln, func(net.Conn) {}); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("Serve = %v, want the EINVAL of accept", err)
	}
}

// With MaxConns 2 and two connections at work, a third is answered 503
// before it sends a byte, and closed; once one of the two ends, the next
// connection is handled again.
func TestMaxConns(t *testing.T) {
	t.Parallel()
	l := Loop{MaxConns: 2}
	began := make(chan struct{}, 3)
	release := make(chan struct{})
	addr, _ := start(t, &l, func(c net.Conn) {
		began <- struct{}{}
		<-release
	})
	first := dial(t, addr, began)
	dial(t, addr, began)

	third, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	third.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, err := io.ReadAll(third) // the refusal, then EOF
	want := "HTTP/1.1 503 Service Unavailable\r\n" +
		"Connection: close\r\n" +
		"Retry-After: 1\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"Content-Length: 76\r\n" +
		"\r\n" +
		"503 service unavailable: the server is at its connection limit; retry later\n"
	if diff := cmp.Diff(want, string(got)); diff != "" || err != nil {
		t.Errorf("the third connection read (-want +got):\n%s (err %v)", diff, err)
	}

	close(release) // both handlers return and give their places back
	io.ReadAll(first)
	for {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		got, err := io.ReadAll(c)
		c.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 { // handled, and closed as the handler returned
			return
		}
		if !strings.HasPrefix(string(got), "HTTP/1.1 503 ") {
			t.Fatalf("a connection after the release read %q", got)
		}
		time.Sleep(10 * time.Millisecond) // the second handler has not returned yet
	}
}

func TestDefaultMaxConns(t *testing.T) {
	t.Parallel()
	got := map[uint64]int{}
	for _, n := range []uint64{1, 64, 127, 128, 1024, 20000, 1 << 40} {
		got[n] = fromLimit(n)
	}
	want := map[uint64]int{1: 1, 64: 32, 127: 63, 128: 64, 1024: 960, 20000: 19936, 1 << 40: 1<<20 - 64}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fromLimit (-want +got):\n%s", diff)
	}
	if n := DefaultMaxConns(); n < 1 {
		t.Errorf("DefaultMaxConns = %d", n)
	}
}
