// Package listen is the accept loop of a server on a raw TCP listener, with
// the bookkeeping a graceful shutdown needs: which connections are still
// open, and a way to wait for them or cut them. net/http's Server does this
// for its users; with no net/http underneath, chapter 03's server and
// chapter 04's (which adds the closing handshake on top) share this one.
//
// Like net/http, the loop survives running out of file descriptors: a
// failed accept is retried after a pause (refuse.go), and MaxConns keeps
// the connections handled at once below the descriptor limit, answering
// the rest with 503.
//
// A shutdown is two steps, so that a server can act in between, e.g. send
// each open WebSocket a close frame:
//
//	loop.Close()          // no new connections; Serve returns ErrClosed
//	...                   // tell the open connections to finish
//	return loop.Wait(ctx) // wait for them; cut them if ctx ends first
package listen

import (
	"context"
	"errors"
	"log"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// ErrClosed is returned by Serve after Close.
var ErrClosed = errors.New("server: closed")

// Loop accepts connections and runs each in its own goroutine. The zero
// value is ready to use; a Loop serves one listener, once. Set its fields
// before Serve.
type Loop struct {
	// MaxConns bounds the connections whose handler runs at once; one
	// more is answered 503 and closed without being handled. 0 means no
	// bound. DefaultMaxConns is a bound below the descriptor limit.
	MaxConns int

	// Logf logs the loop's own trouble (failed accepts); nil is log.Printf.
	Logf func(format string, args ...any)

	mu      sync.Mutex
	ln      net.Listener
	conns   map[net.Conn]struct{}
	closing bool
	closed  chan struct{}  // closed by Close: wakes Serve from a backoff
	wg      sync.WaitGroup // one per connection whose handler runs

	lingering atomic.Int32 // refused connections still draining (refuse.go)
}

// Serve accepts connections on ln until Close and calls handle for each in
// its own goroutine; the connection is closed when handle returns. It
// returns ErrClosed after Close, or the listener's first error that is not
// temporary (see retryable).
func (l *Loop) Serve(ln net.Listener, handle func(net.Conn)) error {
	l.mu.Lock()
	if l.closing { // Close came first: accept nothing
		l.mu.Unlock()
		ln.Close()
		return ErrClosed
	}
	l.ln = ln
	closed := l.closedChan()
	l.mu.Unlock()
	var b backoff
	for {
		conn, err := ln.Accept()
		if err != nil {
			if l.Closing() { // the error is Close closing ln
				return ErrClosed
			}
			if !retryable(err) {
				return err
			}
			if !b.wait(err, closed, l.logf) {
				return ErrClosed
			}
			continue
		}
		b.reset()
		switch l.track(conn) {
		case closing: // accepted while Close ran: Wait must not miss it
			conn.Close()
			return ErrClosed
		case full:
			l.refuse(conn)
			continue
		}
		go func() {
			defer l.wg.Done()
			defer l.untrack(conn)
			handle(conn)
		}()
	}
}

// Close stops accepting: it closes the listener, so Serve returns
// ErrClosed. The connections in progress go on; see Wait.
func (l *Loop) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closing {
		return
	}
	l.closing = true
	close(l.closedChan())
	if l.ln != nil {
		l.ln.Close()
	}
}

// Closing reports whether Close has been called.
func (l *Loop) Closing() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closing
}

// Each calls f for every open connection. The loop is locked meanwhile,
// so f must be quick and must not call the Loop's methods.
func (l *Loop) Each(f func(net.Conn)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for c := range l.conns {
		f(c)
	}
}

// Wait waits until every handler has returned. If ctx ends first, it
// closes the connections still open, which makes their handlers' reads
// and writes fail at once, gives those handlers up to CutGrace to return,
// and returns ctx.Err(). The grace is not waited for in full by handlers
// that were only waiting on their connection: they return at once. It
// bounds the one case where closing cannot help, a handler stuck on
// something else (a lock, a full channel), which would otherwise hold the
// shutdown for ever and make the deadline mean nothing; such a handler
// is left running, as net/http's Shutdown leaves its own.
func (l *Loop) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { l.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	l.Each(func(c net.Conn) { c.Close() })
	grace := time.NewTimer(CutGrace)
	defer grace.Stop()
	select {
	case <-done:
	case <-grace.C:
	}
	return ctx.Err()
}

// CutGrace is how long Wait, once its context has ended and it has closed
// the connections, waits for their handlers to return.
const CutGrace = 2 * time.Second

// closedChan returns l.closed, made on first use so that the zero Loop
// works. l.mu must be held.
func (l *Loop) closedChan() chan struct{} {
	if l.closed == nil {
		l.closed = make(chan struct{})
	}
	return l.closed
}

// What track decided about a new connection.
const (
	tracked = iota
	closing
	full
)

// track counts conn in, unless Close has begun or MaxConns are open: the
// checks and the wg.Add share the lock, so Wait never starts counting
// before a late Add, and the count never passes MaxConns.
func (l *Loop) track(conn net.Conn) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closing {
		return closing
	}
	if l.MaxConns > 0 && len(l.conns) >= l.MaxConns {
		return full
	}
	if l.conns == nil {
		l.conns = map[net.Conn]struct{}{}
	}
	l.conns[conn] = struct{}{}
	l.wg.Add(1)
	return tracked
}

// untrack releases conn's place, once its handler has returned.
func (l *Loop) untrack(conn net.Conn) {
	conn.Close()
	l.mu.Lock()
	delete(l.conns, conn)
	l.mu.Unlock()
}

func (l *Loop) logf(format string, args ...any) {
	if l.Logf != nil {
		l.Logf(format, args...)
		return
	}
	log.Printf(format, args...)
}
