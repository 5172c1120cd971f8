package conformance

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"net"
	"sync"
	"time"
)

// event is one thing the server did, in the form the cases compare with
// cmp.Diff: a whole message, a control frame, or the end of the stream.
type event struct {
	Kind    string // text, binary, ping (only after a close), pong, close; or eof, reset, timeout, error
	Payload string // the payload; past 64 bytes its length and a digest
	Code    int    // close: the status code, 0 for an empty close payload
}

// shown is how a payload appears in an event: itself when short, else its
// length and the start of its SHA-256, so that a diff of a 16 MiB message
// stays one line.
func shown(p []byte) string {
	if len(p) <= 64 {
		return string(p)
	}
	sum := sha256.Sum256(p)
	return fmt.Sprintf("%d bytes, sha256 %x", len(p), sum[:8])
}

func textEv(s string) event      { return event{Kind: "text", Payload: shown([]byte(s))} }
func textEvBytes(b []byte) event { return event{Kind: "text", Payload: shown(b)} }
func binEv(b []byte) event       { return event{Kind: "binary", Payload: shown(b)} }
func pongEv(s string) event      { return event{Kind: "pong", Payload: shown([]byte(s))} }
func closeEv(code int) event     { return event{Kind: "close", Code: code} }
func repeatEv(e event, n int) []event {
	out := make([]event, n)
	for i := range out {
		out[i] = e
	}
	return out
}

// session is one connection of one case: it sends crafted bytes and reads
// what the server answers, checking on the way that the server's own frames
// obey §5 (unmasked, no RSV bits, shortest lengths, small unfragmented
// control frames).
type session struct {
	logf    func(format string, args ...any) // the test's log
	target  Target
	nc      net.Conn
	br      *bufio.Reader
	timeout time.Duration // for each read; a case can lengthen it

	errorf    func(format string, args ...any) // t.Errorf, or a recorder of expected failures
	failed    bool                             // after the first failure the rest of the case is skipped
	closed    bool                             // the closing handshake is over
	sentClose bool                             // the suite has sent a close frame

	writes chan []write // batches for the writer goroutine
	wdone  chan struct{}
	wmu    sync.Mutex
	werr   error // the first write error

	pings int // pings from the server, answered

	msgOp byte   // the opcode of the message being reassembled, 0 if none
	msg   []byte // its fragments so far
}

// write is one Write on the connection, or with shut a half-close.
type write struct {
	b    []byte
	shut bool
}

// largeTimeout is the read timeout of cases that move megabytes, which
// take a while under the race detector on a busy machine.
const largeTimeout = 20 * time.Second

// writeTimeout bounds each write, so that a server that stops reading
// cannot hang a case.
const writeTimeout = 10 * time.Second

// newSession connects to tg. Failures go to errorf, which the caller
// sets: t.Errorf, or a recorder.
func newSession(logf func(string, ...any), tg Target) (*session, error) {
	nc, br, err := handshake(tg.Addr, tg.Path, 5*time.Second)
	if err != nil {
		return nil, err
	}
	return sessionOn(nc, br, logf, tg), nil
}

// sessionOn is a session on a connection whose handshake is done.
func sessionOn(nc net.Conn, br *bufio.Reader, logf func(string, ...any), tg Target) *session {
	s := &session{
		logf: logf, target: tg, nc: nc, br: br,
		timeout: 3 * time.Second,
		writes:  make(chan []write, 16),
		wdone:   make(chan struct{}),
	}
	// Writes run on their own goroutine: a case may send megabytes that the
	// server echoes while they are still going out, and a reader that only
	// started after the last write would deadlock both ends.
	go s.writer()
	return s
}

func (s *session) writer() {
	defer close(s.wdone)
	for batch := range s.writes {
		for _, w := range batch {
			if s.writeErr() != nil {
				break // the connection is gone; keep draining the queue
			}
			if w.shut {
				s.nc.(*net.TCPConn).CloseWrite()
				continue
			}
			s.nc.SetWriteDeadline(time.Now().Add(writeTimeout))
			if _, err := s.nc.Write(w.b); err != nil {
				s.wmu.Lock()
				s.werr = err
				s.wmu.Unlock()
			}
		}
	}
}

func (s *session) writeErr() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.werr
}

// fail reports a failure of the case and stops it.
func (s *session) fail(format string, args ...any) {
	if s.failed {
		return
	}
	s.failed = true
	if err := s.writeErr(); err != nil {
		format += " (a write had failed: %v)"
		args = append(args, err)
	}
	s.errorf(format, args...)
}

// send writes the frames in one write.
func (s *session) send(fs ...frame) {
	s.noteClose(fs)
	s.sendRaw(frames(fs...))
}

// noteClose remembers whether a close frame is among fs, so that the
// suite answers the server's close only when it did not start the
// closing handshake itself.
func (s *session) noteClose(fs []frame) {
	for _, f := range fs {
		if f.op == opClose {
			s.sentClose = true
		}
	}
}

// sendRaw writes b as it is, in one write.
func (s *session) sendRaw(b []byte) { s.sendPieces(b) }

// shutdownWrite half-closes the connection after what was sent so far:
// the server reads end of stream, but can still write.
func (s *session) shutdownWrite() {
	if !s.failed {
		s.writes <- []write{{shut: true}}
	}
}

// sendPieces writes each piece with its own write.
func (s *session) sendPieces(pieces ...[]byte) {
	if s.failed {
		return
	}
	batch := make([]write, len(pieces))
	for i, p := range pieces {
		batch[i] = write{b: p}
	}
	s.writes <- batch
}

// sendEach writes each frame with its own write.
func (s *session) sendEach(fs ...frame) {
	s.noteClose(fs)
	pieces := make([][]byte, len(fs))
	for i, f := range fs {
		pieces[i] = f.wire()
	}
	s.sendPieces(pieces...)
}

// sendChopped writes the frames' bytes in writes of at most n bytes, so
// that headers and payloads reach the server in pieces (TCP is a stream,
// §5.2 frames are not aligned to reads).
func (s *session) sendChopped(n int, fs ...frame) {
	s.noteClose(fs)
	b := frames(fs...)
	var pieces [][]byte
	for len(b) > 0 {
		k := min(n, len(b))
		pieces = append(pieces, b[:k])
		b = b[k:]
	}
	s.sendPieces(pieces...)
}
