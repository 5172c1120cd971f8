package listen

import (
	"errors"
	"io"
	"net"
	"strconv"
	"syscall"
	"time"
)

// The pauses after a failed accept, as net/http's Server has them: 5 ms,
// doubling to 1 s, back to 5 ms after an accept that works.
const (
	minDelay = 5 * time.Millisecond
	maxDelay = 1 * time.Second
	// quiet is how long accept must go without failing for the next
	// failure to count as a new burst, and be logged again. It is longer
	// than maxDelay, so one long burst whose retries sometimes succeed
	// (a descriptor freed, taken again at once) is still logged once.
	quiet = 2 * maxDelay
)

// retryable reports whether a failed accept is worth retrying: the
// listener is fine, the process or the machine is short of something that
// will come back (descriptors, buffers, memory), or the peer gave up
// before accept returned (ECONNABORTED). Anything else, e.g. a listener
// closed from outside, ends Serve. net/http retries the same errors, as
// net.Error's Temporary reports them; Temporary is deprecated, so they
// are named here.
func retryable(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	for _, errno := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM, syscall.ECONNABORTED} {
		if errors.Is(err, errno) {
			return true
		}
	}
	return false
}

// backoff is Serve's state between failed accepts.
type backoff struct {
	delay      time.Duration // the next pause; 0 after a success
	lastFailed time.Time     // the latest failure, to tell bursts apart
}

// wait pauses after err, and reports false if closed is closed meanwhile.
// The first failure of a burst is logged; the rest are not: out of
// descriptors, accept fails hundreds of times a second, and a line for
// each would flood the log when it is most needed.
func (b *backoff) wait(err error, closed <-chan struct{}, logf func(string, ...any)) bool {
	now := time.Now()
	if b.lastFailed.IsZero() || now.Sub(b.lastFailed) > quiet {
		logf("listen: accept: %v; retrying from %v, doubling up to %v (logged once per burst)", err, minDelay, maxDelay)
	}
	b.lastFailed = now
	b.delay = min(max(2*b.delay, minDelay), maxDelay)
	t := time.NewTimer(b.delay)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-closed:
		return false
	}
}

// reset follows an accept that worked: the next failure pauses 5 ms again.
func (b *backoff) reset() { b.delay = 0 }

// retryAfter is the refusal's Retry-After, in seconds (RFC 9110 §10.2.3):
// a place frees up as soon as any connection ends, so soon.
const retryAfter = 1

// refusal is the whole answer to a connection over MaxConns (RFC 9110
// §15.6.4: 503, "temporary overload"). It is sent before reading anything,
// so it cannot depend on the request; Connection: close says that nothing
// more will be answered on this connection (RFC 9112 §9.6).
var refusal = func() []byte {
	body := "503 service unavailable: the server is at its connection limit; retry later\n"
	return []byte("HTTP/1.1 503 Service Unavailable\r\n" +
		"Connection: close\r\n" +
		"Retry-After: " + strconv.Itoa(retryAfter) + "\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"Content-Length: " + strconv.Itoa(len(body)) + "\r\n" +
		"\r\n" + body)
}()

// Bounds of a refusal. The write goes to a socket that has never been
// written to, so it fits its send buffer and returns at once; the deadline
// is only a guard, as the accept loop waits for it.
const (
	refuseWrite  = 100 * time.Millisecond
	lingerTime   = 200 * time.Millisecond
	lingerBytes  = 8 << 10 // a request head, as chapter 03 bounds it
	maxLingering = 16      // refused connections draining at once
)

// refuse answers conn with the 503 and closes it. Closing a socket with
// unread input makes the kernel send a reset (RFC 9293 §3.10.7.4), which
// can destroy the 503 in the client's buffers before it is read; so, like
// chapter 03's lingerClose, send FIN first and drop what the client still
// sends for a moment. The request is never parsed. Draining holds a
// descriptor, and refusals come when descriptors are short, so at most
// maxLingering drain at once; the others are closed at once.
func (l *Loop) refuse(conn net.Conn) {
	conn.SetWriteDeadline(time.Now().Add(refuseWrite))
	_, err := conn.Write(refusal)
	cw, ok := conn.(interface{ CloseWrite() error })
	if err != nil || !ok {
		conn.Close()
		return
	}
	if l.lingering.Add(1) > maxLingering {
		l.lingering.Add(-1)
		conn.Close()
		return
	}
	go func() {
		defer l.lingering.Add(-1)
		defer conn.Close()
		if cw.CloseWrite() == nil {
			conn.SetReadDeadline(time.Now().Add(lingerTime))
			io.CopyN(io.Discard, conn, lingerBytes)
		}
	}()
}
