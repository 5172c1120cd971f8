package site

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// Timeouts bound how long a client may take over each part of an HTTP/1.1
// exchange, so that a slow or silent client cannot hold a connection, and
// the goroutine and buffers behind it, for ever. Ten clients sending their
// headers or a body a byte a second would otherwise take ten connections
// for as long as they like. A zero field means its default.
type Timeouts struct {
	// Header bounds the request line and header fields, from the first
	// byte of the request (http.Server.ReadHeaderTimeout). A client too
	// slow is disconnected without an answer: net/http sends none.
	Header time.Duration

	// Body bounds a request's body, from the end of its headers
	// (BodyDeadline). A request without a body is not bounded: a long
	// poll's GET is held for as long as its ?wait= says.
	Body time.Duration

	// Idle bounds how long a kept-alive connection may wait for its next
	// request (http.Server.IdleTimeout; RFC 9112 §9.5).
	Idle time.Duration
}

// The timeouts of a zero Timeouts: what `go run` serves with.
const (
	DefaultHeaderTimeout = 10 * time.Second // a browser sends its ~570 B of headers at once
	DefaultBodyTimeout   = 10 * time.Second // the API reads at most 64 KiB (poll.MaxRequest)
	DefaultIdleTimeout   = 2 * time.Minute  // a polling page keeps its connection; a closed tab's goes
)

// NewServer returns an http.Server that serves h with the timeouts of t:
// ReadHeaderTimeout and IdleTimeout from net/http, and the body deadline of
// BodyDeadline around h. Every net/http server of the course is built with
// it; set BaseContext, ConnState and the rest on the result.
//
// It sets no WriteTimeout, on purpose: that bounds the whole handler, its
// wait included, so the answer of a long poll held for 30 s, or a stream of
// server-sent events, would be cut off. Nor ReadTimeout: it runs from the
// first byte of the request, so one limit covers headers and body
// together, and a deadline still set on the read net/http runs in the
// background while a handler works (to notice a client hanging up) would
// cancel the request's context when it passes. (Go 1.26 lifts it before
// that read starts: measured, a GET held for 5x ReadTimeout was not
// cancelled. BodyDeadline does not rely on it.)
func NewServer(h http.Handler, t Timeouts) *http.Server {
	return &http.Server{
		Handler:           BodyDeadline(h, or(t.Body, DefaultBodyTimeout)),
		ReadHeaderTimeout: or(t.Header, DefaultHeaderTimeout),
		IdleTimeout:       or(t.Idle, DefaultIdleTimeout),
	}
}

// BodyDeadline wraps h so that the body of a request that has one must
// arrive within d of h being called (d <= 0: DefaultBodyTimeout). It sets
// the connection's read deadline before h runs, and clears it once the body
// has been read to its end, so h may then take as long as its work needs.
//
// A body still arriving at the deadline fails h's read with an error for
// which errors.Is(err, os.ErrDeadlineExceeded) holds: answer it with 408
// Request Timeout and Connection: close (RFC 9110 §15.5.9), as
// poll.NewHandler does; nothing half-read may be stored. net/http then
// closes the connection, whose remaining bytes are the rest of that body.
//
// Requests without a body (GET, a WebSocket handshake) pass through
// untouched: there is nothing to wait for, and their handler's context must
// not be cancelled by a deadline they never agreed to.
func BodyDeadline(h http.Handler, d time.Duration) http.Handler {
	d = or(d, DefaultBodyTimeout)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody { // net/http's "no body": Content-Length 0, no chunks
			h.ServeHTTP(w, r)
			return
		}
		rc := http.NewResponseController(w)
		if err := rc.SetReadDeadline(time.Now().Add(d)); err != nil {
			h.ServeHTTP(w, r) // not a net/http connection (a test recorder): nothing to bound
			return
		}
		r2 := new(http.Request) // a shallow copy: a handler must not modify its Request
		*r2 = *r
		r2.Body = &deadlineBody{ReadCloser: r.Body, rc: rc, d: d}
		h.ServeHTTP(w, r2)
	})
}

// deadlineBody is a request body read under BodyDeadline's deadline.
type deadlineBody struct {
	io.ReadCloser
	rc   *http.ResponseController
	d    time.Duration
	done bool // read to its end, and the deadline cleared
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	switch {
	case errors.Is(err, io.EOF) && !b.done:
		// The whole body came in time: lift the deadline, so that no read
		// after it inherits it, above all net/http's background read,
		// where it would cancel the context of a handler working longer
		// than d.
		b.done = true
		b.rc.SetReadDeadline(time.Time{})
	case errors.Is(err, os.ErrDeadlineExceeded):
		err = fmt.Errorf("request body not received within %v: %w", b.d, err)
	}
	return n, err
}

func or(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
