package conformance

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
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

// expect reads len(want) events and compares them with want.
func (s *session) expect(want ...event) {
	if s.failed {
		return
	}
	var got []event
	for range want {
		e := s.next()
		got = append(got, e)
		if e.ended() {
			break
		}
	}
	if s.failed {
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		s.fail("server's answer (-want +got):\n%s", diff)
	}
}

// expectStreams is expect for answers whose interleaving the RFC leaves
// to the server: the messages must come in order and the pongs must come
// in order (§5.5.3 answers pings "as soon as is practical", and a server
// may write pongs apart from its data), but how the two interleave is not
// compared. Where order is forced, cases expect step by step instead.
func (s *session) expectStreams(want ...event) {
	if s.failed {
		return
	}
	var got []event
	for range want {
		e := s.next()
		got = append(got, e)
		if e.ended() {
			break
		}
	}
	if s.failed {
		return
	}
	if len(got) > 0 && got[len(got)-1].ended() {
		// Cut short: show the whole exchange.
		s.fail("server's answer, cut short (-want +got):\n%s", cmp.Diff(want, got))
		return
	}
	wantData, wantCtl := split(want)
	gotData, gotCtl := split(got)
	if diff := cmp.Diff(wantData, gotData); diff != "" {
		s.fail("server's messages (-want +got):\n%s", diff)
		return
	}
	if diff := cmp.Diff(wantCtl, gotCtl); diff != "" {
		s.fail("server's control frames (-want +got):\n%s", diff)
	}
}

// split separates pongs from the other events, keeping the order of each.
func split(es []event) (data, pongs []event) {
	for _, e := range es {
		if e.Kind == "pong" {
			pongs = append(pongs, e)
		} else {
			data = append(data, e)
		}
	}
	return data, pongs
}

// expectClose reads the next event, which must be a close frame with one
// of codes (0 stands for an empty close payload); answers it as §5.5.1
// asks, unless the suite sent a close first, and checks that the server
// then closes the TCP connection (§7.1.1: "the server SHOULD close the
// underlying TCP connection" first).
func (s *session) expectClose(codes ...int) {
	s.readClose(codes)
	if !s.failed {
		s.answerAndEnd()
	}
}

// expectCloseUnanswered is expectClose for a client that never answers:
// the server must close the TCP connection all the same (§7.1.1, §7.1.7),
// after a wait of its choosing, within the read timeout.
func (s *session) expectCloseUnanswered(codes ...int) {
	s.readClose(codes)
	s.expectEnd()
}

// readClose reads the next event, which must be a close with one of codes.
func (s *session) readClose(codes []int) {
	if s.failed {
		return
	}
	e := s.next()
	if s.failed {
		return
	}
	if e.Kind != "close" || !slices.Contains(codes, e.Code) {
		s.fail("server's answer: got %+v, want a close frame with a code in %v", e, codes)
	}
}

// answerAndEnd answers the server's close frame, unless the suite sent one
// already, and expects the end of the connection. The server may already
// have closed it (after failing it, §7.1.7 lets it), so the write may fail.
func (s *session) answerAndEnd() {
	if !s.sentClose {
		s.send(closePayload(nil))
	}
	s.expectEnd()
}

// expectEchoOrClose is for input whose treatment RFC 6455 leaves to the
// receiver: either the echo want comes back, or a close frame with one of
// codes. It returns which happened, for the log.
func (s *session) expectEchoOrClose(want event, codes ...int) string {
	if s.failed {
		return ""
	}
	e := s.next()
	if s.failed {
		return ""
	}
	if e.Kind == "close" && slices.Contains(codes, e.Code) {
		s.answerAndEnd()
		return fmt.Sprintf("closed with %d", e.Code)
	}
	if diff := cmp.Diff(want, e); diff != "" {
		s.fail("server's answer, neither the echo nor a close with a code in %v (-want +got):\n%s", codes, diff)
	}
	return "echoed"
}

// readable waits up to d for the server to send something (or close) and
// says whether it did, consuming nothing.
func (s *session) readable(d time.Duration) bool {
	s.nc.SetReadDeadline(time.Now().Add(d))
	_, err := s.br.Peek(1)
	return !errors.Is(err, os.ErrDeadlineExceeded)
}

// expectEnd checks that nothing more comes and the server closes the TCP
// connection within the read timeout.
func (s *session) expectEnd() {
	if s.failed {
		return
	}
	s.nc.SetReadDeadline(time.Now().Add(s.timeout))
	var buf [512]byte
	n, err := s.br.Read(buf[:])
	switch {
	case n > 0:
		s.fail("server sent % x after its close frame (§5.5.1: nothing may follow it)", buf[:n])
	case errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET):
		s.closed = true
	case errors.Is(err, os.ErrDeadlineExceeded):
		s.fail("server did not close the TCP connection within %v of the closing handshake (§7.1.1)", s.timeout)
	default:
		s.fail("waiting for the server to close the connection: %v", err)
	}
}

// closeNormally runs the client side of the closing handshake (§7.1.2).
func (s *session) closeNormally() {
	s.send(closeFrame(1000, "bye"))
	s.expectClose(1000)
}

// finish ends the case: a connection still open must close cleanly, which
// also shows that nothing unexpected is still in flight.
func (s *session) finish() {
	if !s.failed && !s.closed {
		s.closeNormally()
	}
	close(s.writes)
	s.nc.Close()
	<-s.wdone
}

// ended says whether e means the stream is over.
func (e event) ended() bool {
	switch e.Kind {
	case "text", "binary", "ping", "pong", "close":
		return false
	}
	return true
}

// next reads frames until it has a whole message, a control frame, or an
// error, which it returns as an event of kind eof, reset, timeout or error.
func (s *session) next() event {
	for {
		s.nc.SetReadDeadline(time.Now().Add(s.timeout))
		fin, op, p, err := s.readFrame()
		if err != nil {
			return errEvent(err)
		}
		if s.failed {
			return event{Kind: "error", Payload: "bad frame from the server"}
		}
		switch {
		case op == opPing && !s.sentClose:
			// A server may ping whenever it likes (§5.5.2), say to keep an
			// idle connection alive: answer, as a client must, and read on.
			if s.pings == 0 {
				s.logf("server sent a ping %q; answering it and any more", shown(p))
			}
			s.pings++
			s.send(pong(string(p)))
			continue
		case op >= opClose:
			return s.control(op, p)
		case op == opCont && s.msgOp == 0:
			s.fail("server sent a continuation frame with no message to continue (§5.4)")
			return event{Kind: "error"}
		case op != opCont && s.msgOp != 0:
			s.fail("server started a new message inside a fragmented one (§5.4)")
			return event{Kind: "error"}
		case op != opCont:
			s.msgOp, s.msg = op, p
		default:
			s.msg = append(s.msg, p...)
		}
		if !fin {
			continue
		}
		op, p = s.msgOp, s.msg
		s.msgOp, s.msg = 0, nil
		if op == opText {
			if !utf8.Valid(p) {
				s.fail("server sent a text message that is not UTF-8 (§5.6): %s", shown(p))
			}
			return event{Kind: "text", Payload: shown(p)}
		}
		return event{Kind: "binary", Payload: shown(p)}
	}
}

// control turns a control frame into an event, checking a close payload.
func (s *session) control(op byte, p []byte) event {
	switch op {
	case opPing: // after the suite's close: answering is no longer allowed
		return event{Kind: "ping", Payload: shown(p)}
	case opPong:
		return event{Kind: "pong", Payload: shown(p)}
	}
	if len(p) == 0 {
		return closeEv(0)
	}
	if len(p) == 1 {
		s.fail("server sent a 1-byte close payload (§5.5.1)")
		return event{Kind: "error"}
	}
	code := int(binary.BigEndian.Uint16(p))
	if !sendable(code) {
		s.fail("server sent close code %d, which an endpoint must not send (§7.4.1)", code)
	}
	if !utf8.Valid(p[2:]) {
		s.fail("server sent a close reason that is not UTF-8 (§5.5.1): % x", p[2:])
	}
	if len(p) > 2 {
		s.logf("server closed with %d %q", code, p[2:])
	}
	return closeEv(code)
}

// sendable says whether an endpoint may put code in a close frame
// (§7.4.1, §7.4.2): 1000-1003 and 1007-1011 of the RFC, 1012-1014 of the
// IANA registry, 3000-4999 for libraries and applications.
func sendable(code int) bool {
	switch {
	case code >= 1000 && code <= 1003, code >= 1007 && code <= 1014:
		return true
	case code >= 3000 && code <= 4999:
		return true
	}
	return false
}

// maxServerFrame bounds what the suite will buffer for one server frame.
const maxServerFrame = 64 << 20

// readFrame reads one frame of the server's and checks its header against
// §5: a server must not mask (§5.1), must not set RSV bits it did not
// negotiate (§5.2), must use the shortest length (§5.2), must not use a
// reserved opcode, and must keep control frames whole and under 126 bytes
// (§5.5).
func (s *session) readFrame() (fin bool, op byte, payload []byte, err error) {
	var h [2]byte
	if _, err := io.ReadFull(s.br, h[:]); err != nil {
		return false, 0, nil, err
	}
	fin, op = h[0]&0x80 != 0, h[0]&0x0F
	n := uint64(h[1] & 0x7F)
	switch n {
	case 126:
		var ext [2]byte
		if _, err := io.ReadFull(s.br, ext[:]); err != nil {
			return false, 0, nil, err
		}
		n = uint64(binary.BigEndian.Uint16(ext[:]))
		if n < 126 {
			s.fail("server used a 16-bit length for %d bytes (§5.2: shortest form)", n)
		}
	case 127:
		var ext [8]byte
		if _, err := io.ReadFull(s.br, ext[:]); err != nil {
			return false, 0, nil, err
		}
		n = binary.BigEndian.Uint64(ext[:])
		if n <= 0xFFFF {
			s.fail("server used a 64-bit length for %d bytes (§5.2: shortest form)", n)
		}
	}
	switch {
	case h[1]&0x80 != 0:
		s.fail("server masked a frame (§5.1)")
	case h[0]&0x70 != 0:
		s.fail("server set RSV bits %03b without an extension (§5.2)", h[0]>>4&7)
	case op > opBinary && op < opClose || op > opPong:
		s.fail("server used reserved opcode %#x (§5.2)", op)
	case op >= opClose && (!fin || n > 125):
		s.fail("server sent a control frame fragmented or over 125 bytes (§5.5): opcode %#x, FIN %v, %d bytes", op, fin, n)
	case n > maxServerFrame:
		s.fail("server sent a %d-byte frame, more than the suite buffers", n)
	}
	if s.failed {
		return fin, op, nil, nil
	}
	payload = make([]byte, n)
	if _, err := io.ReadFull(s.br, payload); err != nil {
		return false, 0, nil, err
	}
	return fin, op, payload, nil
}

// errEvent names how reading ended.
func errEvent(err error) event {
	switch {
	case errors.Is(err, io.EOF):
		return event{Kind: "eof"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return event{Kind: "eof", Payload: "in the middle of a frame"}
	case errors.Is(err, syscall.ECONNRESET):
		return event{Kind: "reset"}
	case errors.Is(err, os.ErrDeadlineExceeded):
		return event{Kind: "timeout"}
	}
	return event{Kind: "error", Payload: err.Error()}
}
