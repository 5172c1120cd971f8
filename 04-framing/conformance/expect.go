package conformance

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"syscall"
	"time"

	"github.com/google/go-cmp/cmp"
)

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
