package server

import (
	"encoding/json"
	"net"
	"net/url"
	"sync/atomic"

	"example.com/wswalk/03-raw-handshake/handshake"
	"example.com/wswalk/04-framing/frame"
	"example.com/wswalk/04-framing/ws"
)

// tap is the TCP connection under a traced WebSocket. It passes every
// write through unchanged but one: after the fragments button, the next
// data message the handler writes (an echo, a chat line) goes out cut into
// three frames, as §5.4 allows any sender to cut a message. The echo and
// chat code stay as they are: they write one frame and never know.
type tap struct {
	net.Conn
	fragmentNext atomic.Bool // set by POST /trace/fragments

	// plan is the fragments the next Write is to become. It is set by the
	// trace hook and used by Write; ws.Conn calls both under its write
	// lock, one frame at a time, so they need no lock of their own, and
	// the fragments go out in one Write: no other data frame (another
	// chat line) can come between them, which §5.4 forbids.
	plan []piece
}

type piece struct {
	h frame.Header
	p []byte
}

// maxSplit is the largest payload the tap cuts: ws.Conn writes a frame of
// up to 4 KiB with its header in a single Write (smallWrite in ws/conn.go),
// which is what Write can take apart. A longer message goes out whole.
const maxSplit = 4 << 10

// trace returns the ws.Options.Trace of a traced connection: it plans the
// fragments, then shows next (-trace) and emit (the panel) the frames that
// really go on the wire.
func (t *tap) trace(next, emit func(in bool, h frame.Header, p []byte)) func(in bool, h frame.Header, p []byte) {
	show := func(in bool, h frame.Header, p []byte) {
		if next != nil {
			next(in, h, p)
		}
		emit(in, h, p)
	}
	return func(in bool, h frame.Header, p []byte) {
		if !in && h.Opcode.IsData() && h.Fin && len(p) <= maxSplit && t.fragmentNext.CompareAndSwap(true, false) {
			t.plan = fragments(h, p)
			for _, f := range t.plan {
				show(false, f.h, f.p)
			}
			return
		}
		show(in, h, p)
	}
}

// fragments cuts a message in three: the first frame keeps the opcode with
// FIN=0, then two continuation frames (opcode 0), the last with FIN=1
// (§5.4). A piece may be empty, and a cut may fall inside a UTF-8
// character: §5.6 asks for valid text of the whole message, not of each
// frame.
func fragments(h frame.Header, p []byte) []piece {
	cuts := [...]int{0, len(p) / 3, 2 * len(p) / 3, len(p)}
	out := make([]piece, 3)
	for i := range out {
		fh := frame.Header{Fin: i == 2, Opcode: frame.OpContinuation}
		if i == 0 {
			fh.Opcode = h.Opcode
		}
		fh.Length = int64(cuts[i+1] - cuts[i])
		out[i] = piece{fh, p[cuts[i]:cuts[i+1]]}
	}
	return out
}

// Write sends b, or, when a plan is waiting, the planned fragments in its
// place: b is then the planned message as one frame (its header and
// payload), and the payload the pieces point into.
func (t *tap) Write(b []byte) (int, error) {
	plan := t.plan
	t.plan = nil
	if plan == nil {
		return t.Conn.Write(b)
	}
	var out []byte
	for _, f := range plan {
		out = append(frame.AppendHeader(out, f.h), f.p...)
	}
	if _, err := t.Conn.Write(out); err != nil {
		return 0, err
	}
	return len(b), nil
}

// CloseWrite keeps ws.Conn's polite close (FIN first, §7.1.1) working
// through the tap.
func (t *tap) CloseWrite() error {
	if cw, ok := t.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return t.Conn.Close()
}

// underTap is the connection chapter 03's loop tracks under nc, a tap or not.
func underTap(nc net.Conn) net.Conn {
	if t, ok := nc.(*tap); ok {
		return t.Conn
	}
	return nc
}

// attachPanel returns the stream that req (a WebSocket request with
// ?trace=ID) asks to be traced on, with opt's Trace and nc wrapped to feed
// it; or nil, opt and nc as they are.
func (s *Server) attachPanel(req *handshake.Request, nc net.Conn, opt ws.Options) (*traceStream, net.Conn, ws.Options) {
	q, _ := url.ParseQuery(req.Query())
	id := q.Get("trace")
	if id == "" {
		return nil, nc, opt
	}
	s.panel.mu.Lock()
	st := s.panel.streams[id]
	s.panel.mu.Unlock()
	if st == nil {
		return nil, nc, opt
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.used {
		return nil, nc, opt
	}
	st.used = true
	t := &tap{Conn: nc}
	st.tap = t
	opt.Trace = t.trace(opt.Trace, st.emit)
	return st, t, opt
}

// bind makes c the connection the buttons act on.
func (st *traceStream) bind(c *ws.Conn) {
	if st == nil {
		return
	}
	st.mu.Lock()
	st.conn = c
	st.mu.Unlock()
}

// done tells the stream its connection has ended.
func (st *traceStream) done() {
	if st == nil {
		return
	}
	st.mu.Lock()
	st.conn = nil
	st.mu.Unlock()
	close(st.ended)
}

// emit queues one frame for the page, never waiting.
func (st *traceStream) emit(in bool, h frame.Header, payload []byte) {
	data, _ := json.Marshal(panelFrame{In: in, Op: h.Opcode.String(), Fin: h.Fin, Length: h.Length,
		Trace: frame.Describe(h, payload)})
	select {
	case st.events <- []byte("event: frame\ndata: " + string(data) + "\n\n"):
	default:
		st.lost.Add(1)
	}
}
