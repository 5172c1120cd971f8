// Package server is chapter 03's WebSocket server on a raw TCP listener: it
// reads each connection's HTTP request by hand, serves the chapter page, and
// at its WebSocket path performs the opening handshake of RFC 6455, sends one
// text frame built byte by byte and a close frame, and hangs up.
package server

import (
	"bufio"
	"context"
	"errors"
	"io"
	"io/fs"
	"log"
	"net"
	"time"

	"example.com/wswalk/03-raw-handshake/handshake"
	"example.com/wswalk/03-raw-handshake/listen"
)

// Defaults for the fields of Server left empty.
const (
	DefaultPath        = "/ws"
	DefaultMessage     = "Hello from a frame built byte by byte!"
	DefaultCloseReason = "that was the whole show"
	// CloseWait is how long the server waits for the client's answering
	// close frame before it closes the TCP connection anyway.
	CloseWait = 2 * time.Second
)

// ErrServerClosed is returned by Serve after Shutdown.
var ErrServerClosed = listen.ErrClosed

// Server serves the page and the WebSocket endpoint on one port, one
// goroutine per connection.
type Server struct {
	Config      handshake.Config                 // origins (nil: its own pages only), subprotocols, the handshake deadline
	Pages       fs.FS                            // the page: "/" is index.html
	Path        string                           // the WebSocket endpoint, DefaultPath if ""
	Message     string                           // the text frame's payload, DefaultMessage if ""
	CloseReason string                           // the close frame's reason, DefaultCloseReason if ""
	Logf        func(format string, args ...any) // log.Printf if nil
	// MaxConns bounds the connections served at once; one more is
	// answered 503 and closed (listen.Loop.MaxConns). 0 means no bound.
	MaxConns int

	loop    listen.Loop        // the accept loop and the open connections
	origins *handshake.Origins // Config.Origins, or the pages served on ln
}

// Serve accepts connections on ln until Shutdown, handling each in its own
// goroutine. It returns ErrServerClosed after Shutdown, or the accept error.
//
// With Config.Origins nil, the pages allowed to open a WebSocket are those
// this server serves on ln (handshake.OriginsFor(ln.Addr())): only the
// listener knows where the server really is; a request's Host does not.
func (s *Server) Serve(ln net.Listener) error {
	s.origins = s.Config.Origins
	if s.origins == nil {
		o, err := handshake.OriginsFor(ln.Addr())
		if err != nil {
			ln.Close()
			return err
		}
		s.origins = o
	}
	s.loop.MaxConns = s.MaxConns
	s.loop.Logf = s.logf
	return s.loop.Serve(ln, s.serveConn)
}

// Shutdown stops accepting, then waits for the connections in progress to
// finish. Each is bounded by the handshake deadline and CloseWait, so this
// is quick; if ctx ends first, the remaining connections are closed.
func (s *Server) Shutdown(ctx context.Context) error {
	s.loop.Close()
	return s.loop.Wait(ctx)
}

// serveConn handles one connection from its first byte to its close.
func (s *Server) serveConn(conn net.Conn) {
	peer := conn.RemoteAddr().String()
	br := bufio.NewReader(conn)

	// The deadline covers the whole request head: a client that trickles
	// bytes, or sends nothing, is cut off when it passes (408), so it can
	// hold this goroutine and its 4 KiB buffer only that long.
	timeout := s.Config.Timeout
	if timeout <= 0 {
		timeout = handshake.DefaultTimeout
	}
	upgraded := false
	defer func() {
		if !upgraded {
			lingerClose(conn)
		}
	}()

	handshake.SetReadDeadline(conn, timeout)
	req, err := handshake.ReadRequest(br)
	// The answer gets its own deadline: a client that does not read cannot
	// block this goroutine in Write either.
	conn.SetWriteDeadline(time.Now().Add(timeout))
	if err != nil {
		if !errors.Is(err, io.EOF) { // a client that sent nothing gets nothing
			handshake.WriteError(conn, err)
		}
		s.logf("%s: %v", peer, err)
		return
	}
	if req.Path() != s.path() {
		if handshake.IsUpgrade(req) {
			// A WebSocket client at the wrong path would otherwise get the
			// page with a 200, and report a puzzling "unexpected response".
			handshake.WriteError(conn, &handshake.Error{Status: 404, Reason: "no WebSocket endpoint at " + req.Path()})
			s.logf("%s: %s %s: 404, not the WebSocket path %s", peer, req.Method, req.Target, s.path())
			return
		}
		if err := handshake.ServeFile(conn, req, s.Pages); err != nil {
			s.logf("%s: %s %s: %v", peer, req.Method, req.Target, err)
		}
		return
	}
	cfg := s.Config
	cfg.Origins = s.origins
	acc, err := handshake.UpgradeRequest(conn, req, cfg)
	if err != nil {
		s.logf("%s: %s %s: %v", peer, req.Method, req.Target, err)
		return
	}
	upgraded = true
	s.logf("%s: %s %s: 101 Switching Protocols (subprotocol %q)", peer, req.Method, req.Target, acc.Subprotocol)
	if err := s.greet(conn, br); err != nil {
		s.logf("%s: %v", peer, err)
	}
}

// Bounds of lingerClose.
const (
	lingerTime  = 500 * time.Millisecond
	lingerBytes = 256 << 10
)

// lingerClose ends a connection whose answer was an HTTP response, without
// losing that response. Closing a socket that still has unread input makes
// the kernel send a reset (RFC 9293 §3.6), and a reset can destroy the
// response in the client's buffers before the client reads it; a client
// still sending an oversized header (431) is exactly that case. So: send
// our FIN first (half-close), read and drop what the client still sends, for
// at most lingerTime and lingerBytes, then let the caller close.
func lingerClose(conn net.Conn) {
	cw, ok := conn.(interface{ CloseWrite() error })
	if !ok || cw.CloseWrite() != nil {
		return
	}
	handshake.SetReadDeadline(conn, lingerTime)
	io.CopyN(io.Discard, conn, lingerBytes)
}

// greet is the whole WebSocket conversation of this chapter: one text
// frame, then the closing handshake (RFC 6455 §7.1.2): send a close frame,
// wait for the client's, then close TCP — the server closes first, so the
// TIME_WAIT state stays on the server (§7.1.1).
func (s *Server) greet(conn net.Conn, br *bufio.Reader) error {
	text, err := handshake.TextFrame(or(s.Message, DefaultMessage))
	if err != nil {
		return err
	}
	closing, err := handshake.CloseFrame(1000, or(s.CloseReason, DefaultCloseReason))
	if err != nil {
		return err
	}
	if _, err := conn.Write(append(text, closing...)); err != nil {
		return err
	}
	handshake.SetReadDeadline(conn, CloseWait)
	// Read through br: the client's frames may already be buffered there.
	if _, err := handshake.AwaitClose(br); err != nil {
		return errors.New("no close frame from the client: " + err.Error())
	}
	return nil
}

func (s *Server) path() string { return or(s.Path, DefaultPath) }

func (s *Server) logf(format string, args ...any) {
	if s.Logf != nil {
		s.Logf(format, args...)
		return
	}
	log.Printf(format, args...)
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
