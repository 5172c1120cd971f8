package listen

import (
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// start serves handle on a free loopback port until the test ends, and
// returns the address and Serve's result.
func start(t *testing.T, l *Loop, handle func(net.Conn)) (string, <-chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- l.Serve(ln, handle) }()
	t.Cleanup(func() { l.Close(); l.Wait(context.Background()) })
	return ln.Addr().String(), served
}

// dial connects and waits until the handler has the connection.
func dial(t *testing.T, addr string, began <-chan struct{}) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	select {
	case <-began:
	case <-time.After(5 * time.Second):
		t.Fatal("the handler never started")
	}
	return c
}

// Close ends Serve with ErrClosed; Wait waits for a handler that is still
// at work, and the connection is closed once the handler returns.
func TestCloseWaitsForHandlers(t *testing.T) {
	t.Parallel()
	var l Loop
	began, release := make(chan struct{}), make(chan struct{})
	addr, served := start(t, &l, func(c net.Conn) {
		close(began)
		<-release
		c.Write([]byte("bye"))
	})
	c := dial(t, addr, began)

	l.Close()
	if err := <-served; !errors.Is(err, ErrClosed) {
		t.Errorf("Serve returned %v, want ErrClosed", err)
	}
	waited := make(chan error, 1)
	go func() { waited <- l.Wait(context.Background()) }()
	select {
	case err := <-waited:
		t.Fatalf("Wait returned %v while a handler was running", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-waited; err != nil {
		t.Errorf("Wait = %v, want nil", err)
	}
	got, err := io.ReadAll(c) // "bye", then EOF: the loop closed it
	if diff := cmp.Diff("bye", string(got)); diff != "" || err != nil {
		t.Errorf("the client read (-want +got):\n%s (err %v)", diff, err)
	}
}

// A handler stuck in a read is cut when Wait's context ends.
func TestWaitCutsStuckHandlers(t *testing.T) {
	t.Parallel()
	var l Loop
	began := make(chan struct{})
	readErr := make(chan error, 1)
	addr, _ := start(t, &l, func(c net.Conn) {
		close(began)
		_, err := c.Read(make([]byte, 1)) // the client never writes
		readErr <- err
	})
	dial(t, addr, began)

	l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := l.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait = %v, want context.DeadlineExceeded", err)
	}
	if err := <-readErr; !errors.Is(err, net.ErrClosed) {
		t.Errorf("the stuck read ended with %v, want net.ErrClosed", err)
	}
}

// A handler stuck on something other than its connection (here a channel
// nobody sends on) cannot be cut by closing the connection; Wait still
// returns when its context ends, so a shutdown's deadline holds.
func TestWaitHonoursItsDeadline(t *testing.T) {
	t.Parallel()
	var l Loop
	began, release := make(chan struct{}), make(chan struct{})
	defer close(release) // let the handler go once the test is done
	addr, _ := start(t, &l, func(net.Conn) {
		close(began)
		<-release
	})
	dial(t, addr, began)

	l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	waited := make(chan error, 1)
	go func() { waited <- l.Wait(ctx) }()
	select {
	case err := <-waited:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Wait = %v, want context.DeadlineExceeded", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Wait still waits for a stuck handler long after its deadline")
	}
}

// Serve after Close accepts nothing and closes the listener it was given.
func TestServeAfterClose(t *testing.T) {
	t.Parallel()
	var l Loop
	l.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	err = l.Serve(ln, func(net.Conn) { t.Error("a connection was handled") })
	if !errors.Is(err, ErrClosed) {
		t.Errorf("Serve = %v, want ErrClosed", err)
	}
	if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("the listener is still open: Accept = %v", err)
	}
}
