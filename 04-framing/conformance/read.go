package conformance

import (
	"encoding/binary"
	"errors"
	"io"
	"os"
	"syscall"
	"time"
	"unicode/utf8"
)

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
