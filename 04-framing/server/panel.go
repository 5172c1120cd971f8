package server

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"example.com/wswalk/03-raw-handshake/handshake"
	"example.com/wswalk/04-framing/frame"
	"example.com/wswalk/04-framing/ws"
)

// The frames panel shows a page the frames of its own WebSocket, as the
// server read and wrote them: the same drawing as -trace (frame.Describe).
//
// A connection cannot carry its own trace: every frame about a frame would
// be traced in turn, and the page's echo or chat would receive messages it
// never asked for. So the trace goes over a second connection:
//
//  1. The page picks a random ID and opens GET /trace?conn=ID, a stream of
//     Server-Sent Events (text/event-stream, one JSON frame per event).
//  2. Once the stream is open, it opens its WebSocket with ?trace=ID in the
//     URL (/echo?trace=ID). The server attaches that connection to the
//     stream; every byte of the WebSocket is what it would be without it.
//  3. The buttons are POST /trace/ping, /trace/fragments and /trace/close
//     with ?conn=ID: a browser cannot send a ping or a fragment itself, so
//     it asks the server to, and watches the frames in the panel.
//
// The page chooses the ID, so the server never has to tell it one (a 101's
// headers are invisible to JavaScript, and a first message would change
// the traced bytes). The stream owns the ID: it exists only while a page
// listens, and a WebSocket naming an unknown ID is simply not traced.

// Panel paths.
const (
	PanelStreamPath    = "/trace"
	PanelPingPath      = "/trace/ping"
	PanelFragmentsPath = "/trace/fragments"
	PanelClosePath     = "/trace/close"
)

// panelQueue is how many events may wait for a slow page. The traced
// connection never waits for the panel: past this, events are counted as
// lost, as the room drops a member rather than wait for it.
const panelQueue = 256

// panelFrame is one event of the stream: a frame, in or out.
type panelFrame struct {
	In     bool   `json:"in"` // read from the browser
	Op     string `json:"op"` // opcode name: "text", "ping", "continuation"
	Fin    bool   `json:"fin"`
	Length int64  `json:"len"`
	Trace  string `json:"trace"` // frame.Describe's drawing
}

// panel is the Server's set of open trace streams, by ID.
type panel struct {
	mu      sync.Mutex
	streams map[string]*traceStream
}

// traceStream is one page's stream and, once attached, its WebSocket.
type traceStream struct {
	events chan []byte   // SSE events, ready to write
	lost   atomic.Int64  // events dropped because the page read too slowly
	ended  chan struct{} // closed when the traced connection has ended

	mu   sync.Mutex
	conn *ws.Conn // nil until attached, and after it ends
	tap  *tap
	used bool // a WebSocket was attached once: IDs are not reused
}

// servePanel answers the panel's requests and reports whether req was one.
func (s *Server) servePanel(nc net.Conn, br *bufio.Reader, req *handshake.Request) bool {
	path := req.Path()
	switch path {
	case PanelStreamPath, PanelPingPath, PanelFragmentsPath, PanelClosePath:
	default:
		return false
	}
	method := "POST"
	if path == PanelStreamPath {
		method = "GET"
	}
	q, _ := url.ParseQuery(req.Query())
	id := q.Get("conn")
	// The same origin rule as the handshake (chapter 03): another site's
	// page must not close or ping this page's connection.
	origin := req.Get("Origin")
	switch {
	case req.Method != method:
		handshake.WriteError(nc, &handshake.Error{Status: 405, Reason: path + " takes " + method,
			Header: []handshake.Field{{Name: "Allow", Value: method}}})
	case origin != "" && !s.handshake.Origins.Allowed(origin):
		handshake.WriteError(nc, &handshake.Error{Status: 403, Reason: "origin not allowed: " + origin})
	case !validID(id):
		handshake.WriteError(nc, &handshake.Error{Status: 400, Reason: "conn must be 1 to 64 letters, digits, - or _"})
	case path == PanelStreamPath:
		s.streamTrace(nc, br, id)
	default:
		s.panelAction(nc, path, id)
	}
	return true
}

func validID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// streamTrace holds the stream open until the traced connection ends, the
// page goes away, or the server shuts down.
func (s *Server) streamTrace(nc net.Conn, br *bufio.Reader, id string) {
	st := &traceStream{events: make(chan []byte, panelQueue), ended: make(chan struct{})}
	s.panel.mu.Lock()
	_, taken := s.panel.streams[id]
	if !taken {
		if s.panel.streams == nil {
			s.panel.streams = map[string]*traceStream{}
		}
		s.panel.streams[id] = st
	}
	s.panel.mu.Unlock()
	if taken {
		handshake.WriteError(nc, &handshake.Error{Status: 400, Reason: "a trace stream is already open for " + id})
		return
	}
	defer func() {
		s.panel.mu.Lock()
		delete(s.panel.streams, id)
		s.panel.mu.Unlock()
	}()

	// The stream outlives the handshake deadline. Shutdown closes the loop
	// before it sets every unupgraded connection's read deadline to now, so
	// checking Closing after clearing ours cannot miss it.
	nc.SetDeadline(time.Time{})
	if s.loop.Closing() {
		return
	}
	// No Content-Length: the body ends when the connection does (RFC 9112
	// §6.3), which is what an event stream is.
	head := "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n" +
		"X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n"
	if !s.writeEvent(nc, head) {
		return
	}
	// The page sends nothing more; a read returns when it leaves (EOF) or
	// when Shutdown sets the deadline (a timeout).
	gone := make(chan error, 1)
	go func() { _, err := io.Copy(io.Discard, br); gone <- err }()
	defer nc.Close()
	for {
		select {
		case ev := <-st.events:
			if !s.sendEvent(nc, st, ev) {
				return
			}
		case <-st.ended:
			for {
				select {
				case ev := <-st.events:
					if !s.sendEvent(nc, st, ev) {
						return
					}
				default:
					// The page closes its EventSource on "end" rather than
					// reconnect to a stream with nothing left to say.
					s.writeEvent(nc, "event: end\ndata: {}\n\n")
					return
				}
			}
		case err := <-gone:
			// At Shutdown a stream with a connection stays to show its
			// 1001 and the answer: Shutdown ends the connection within
			// CloseWait, and so the stream.
			var ne net.Error
			st.mu.Lock()
			attached := st.used
			st.mu.Unlock()
			if !attached || !errors.As(err, &ne) || !ne.Timeout() {
				return
			}
			gone = nil
		}
	}
}

func (s *Server) sendEvent(nc net.Conn, st *traceStream, ev []byte) bool {
	if n := st.lost.Swap(0); n > 0 {
		if !s.writeEvent(nc, "event: lost\ndata: "+strconv.FormatInt(n, 10)+"\n\n") {
			return false
		}
	}
	return s.writeEvent(nc, string(ev))
}

func (s *Server) writeEvent(nc net.Conn, ev string) bool {
	timeout := s.cfg.WriteTimeout
	if timeout <= 0 {
		timeout = ws.DefaultWriteTimeout
	}
	nc.SetWriteDeadline(time.Now().Add(timeout))
	_, err := io.WriteString(nc, ev)
	return err == nil
}

// panelAction runs a button's request on the stream's connection.
func (s *Server) panelAction(nc net.Conn, path, id string) {
	s.panel.mu.Lock()
	st := s.panel.streams[id]
	s.panel.mu.Unlock()
	var c *ws.Conn
	var t *tap
	if st != nil {
		st.mu.Lock()
		c, t = st.conn, st.tap
		st.mu.Unlock()
	}
	if c == nil {
		handshake.WriteError(nc, &handshake.Error{Status: 404, Reason: "no open WebSocket is traced as " + id})
		return
	}
	var err error
	answer := ""
	switch path {
	case PanelPingPath:
		// §5.5.2: the browser must answer with a pong carrying these bytes.
		err, answer = c.Ping([]byte("from the panel")), "ping sent"
	case PanelFragmentsPath:
		t.fragmentNext.Store(true)
		answer = "the next message from the server goes out in fragments"
	case PanelClosePath:
		// §7.1.2: we start the closing handshake; the handler's read
		// sees the browser's close frame and ends the connection.
		err, answer = c.Close(frame.CloseNormal, "closed from the panel"), "close frame sent"
	}
	if err != nil {
		handshake.WriteError(nc, &handshake.Error{Status: 400, Reason: err.Error()})
		return
	}
	handshake.WriteOK(nc, "text/plain; charset=utf-8", []byte(answer+"\n"))
}
