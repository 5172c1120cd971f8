// Package server is chapter 04's WebSocket server on a raw TCP listener. It
// reads each connection's HTTP request with chapter 03's handshake package,
// serves pages, and on a WebSocket path completes the opening handshake and
// hands the connection, as a *ws.Conn, to that path's Handler. Every frame
// the client sends then goes through frame.Reader, which enforces RFC 6455
// §5 and fails the connection with the right close code.
//
// The Server is not an http.Server: there is no net/http underneath, so
// every byte on the wire is one this chapter's code wrote or read.
//
// For tests: start an /echo server on a free loopback port like this.
//
//	ln, err := net.Listen("tcp", "127.0.0.1:0")
//	if err != nil {
//		t.Fatal(err)
//	}
//	srv := server.New(server.Config{})   // /echo is mounted; MaxMessage 1 MiB
//	go srv.Serve(ln)
//	t.Cleanup(func() { srv.Shutdown(context.Background()) })
//	url := "ws://" + ln.Addr().String() + "/echo"
//
// Config{MaxMessage: 16 << 20} raises the message limit (1009 above it);
// ReadTimeout, WriteTimeout and CloseWait shorten the deadlines. Handshakes
// without an Origin header are accepted, and so are the pages this server
// serves on ln; a foreign Origin gets 403 (chapter 03's handshake.Origins).
package server

import (
	"bufio"
	"context"
	"errors"
	"io"
	"io/fs"
	"log"
	"net"
	"sync"
	"time"

	"example.com/wswalk/03-raw-handshake/handshake"
	"example.com/wswalk/03-raw-handshake/listen"
	"example.com/wswalk/04-framing/frame"
	"example.com/wswalk/04-framing/ws"
)

// EchoPath is where New mounts Echo.
const EchoPath = "/echo"

// ErrServerClosed is returned by Serve after Shutdown.
var ErrServerClosed = listen.ErrClosed

// Config is the server's settings. The zero value is ready to use.
type Config struct {
	// Handshake holds the allowed origins, subprotocols and the deadline
	// for the request head (chapter 03). Origins nil allows the pages
	// served on the listener Serve is given, and no other.
	Handshake handshake.Config

	// MaxMessage is the largest message accepted; larger ones are failed
	// with 1009. 0 means frame.DefaultMaxMessage, 1 MiB.
	MaxMessage int64

	// Deadlines of each WebSocket connection (ws.Options; 0 for defaults).
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
	CloseWait    time.Duration

	// Pages serves every path that is not a WebSocket endpoint; "/" is
	// index.html. Nil answers 404.
	Pages fs.FS

	// Trace, when set, sees every frame of every connection: peer is the
	// client's address, in says whether the frame was read or written.
	Trace func(peer string, in bool, h frame.Header, payload []byte)

	// Logf logs a line per connection event; nil is log.Printf.
	Logf func(format string, args ...any)

	// MaxConns bounds the TCP connections served at once; one more is
	// answered 503 before its request is read (listen.Loop.MaxConns).
	// 0 means no bound; the command defaults to listen.DefaultMaxConns.
	MaxConns int
}

// Handler runs one WebSocket connection, from just after the handshake,
// and returns when done. The Server closes the connection after it returns
// (with 1000 if the handler did not close it).
type Handler func(c *ws.Conn, r *handshake.Request)

// Server accepts connections and runs one goroutine per connection.
type Server struct {
	cfg    Config
	routes map[string]Handler

	loop      listen.Loop      // chapter 03's accept loop: the open TCP connections
	handshake handshake.Config // cfg.Handshake, its Origins filled in by Serve

	mu      sync.Mutex
	wsConns map[*ws.Conn]struct{} // the upgraded ones, for Shutdown's 1001

	panel panel // the pages' frames panels (panel.go)
}

// New returns a Server with Echo mounted at /echo.
func New(cfg Config) *Server {
	s := &Server{cfg: cfg, routes: map[string]Handler{}}
	s.Handle(EchoPath, Echo)
	return s
}

// Handle mounts h at path (an exact path, "/chat"). Call it before Serve.
func (s *Server) Handle(path string, h Handler) { s.routes[path] = h }

// Serve accepts connections on ln until Shutdown, and returns
// ErrServerClosed then, or the listener's error. Chapter 03's accept loop
// runs each connection in its own goroutine.
//
// Unless Config.Handshake.Origins says otherwise, the pages allowed to open
// a WebSocket are those served on ln: the listener knows where the server
// is, a request's Host only says what the client claims (DNS rebinding).
func (s *Server) Serve(ln net.Listener) error {
	s.handshake = s.cfg.Handshake
	if s.handshake.Origins == nil {
		o, err := handshake.OriginsFor(ln.Addr())
		if err != nil {
			ln.Close()
			return err
		}
		s.handshake.Origins = o
	}
	s.loop.MaxConns = s.cfg.MaxConns
	s.loop.Logf = s.logf
	return s.loop.Serve(ln, s.serveConn)
}

// Shutdown stops accepting, sends every open WebSocket a close frame with
// 1001 "going away" (§7.4.1), and waits for the connections to end: each
// is bounded by CloseWait. If ctx ends first, the rest are cut.
func (s *Server) Shutdown(ctx context.Context) error {
	s.loop.Close() // from now on trackWS refuses new WebSockets
	s.mu.Lock()
	open := make([]*ws.Conn, 0, len(s.wsConns))
	upgraded := map[net.Conn]bool{}
	for c := range s.wsConns {
		open = append(open, c)
		upgraded[underTap(c.NetConn())] = true
	}
	s.mu.Unlock()
	// A connection still in its handshake stops waiting for the request
	// now rather than at the handshake deadline.
	s.loop.Each(func(nc net.Conn) {
		if !upgraded[nc] {
			nc.SetReadDeadline(time.Now())
		}
	})
	for _, c := range open {
		go c.Close(frame.CloseGoingAway, "server shutting down") // a slow peer must not hold up the others
	}
	return s.loop.Wait(ctx)
}

// serveConn reads one request and either serves a page or runs a
// WebSocket connection.
func (s *Server) serveConn(nc net.Conn) {
	peer := nc.RemoteAddr().String()
	br := bufio.NewReader(nc)
	timeout := s.handshake.Timeout
	if timeout <= 0 {
		timeout = handshake.DefaultTimeout
	}
	// The deadline covers the whole request head, so a client that sends
	// it slowly or not at all holds this goroutine only that long (408).
	handshake.SetReadDeadline(nc, timeout)
	req, err := handshake.ReadRequest(br)
	nc.SetWriteDeadline(time.Now().Add(timeout))
	if err != nil {
		if !errors.Is(err, io.EOF) {
			handshake.WriteError(nc, err)
		}
		s.logf("%s: %v", peer, err)
		return
	}
	if s.servePanel(nc, br, req) {
		return
	}
	h, ok := s.routes[req.Path()]
	if !ok {
		if err := s.servePage(nc, req); err != nil {
			s.logf("%s: %s %s: %v", peer, req.Method, req.Target, err)
		}
		return
	}
	if _, err := handshake.UpgradeRequest(nc, req, s.handshake); err != nil {
		s.logf("%s: %s %s: %v", peer, req.Method, req.Target, err)
		return
	}
	nc.SetDeadline(time.Time{}) // from here on ws.Conn sets its own
	traced, wsnc, opt := s.attachPanel(req, nc, s.options(peer))
	c := ws.NewServer(wsnc, br, opt)
	traced.bind(c)
	defer traced.done()
	if !s.trackWS(c) {
		c.Close(frame.CloseGoingAway, "server shutting down")
		c.CloseNow()
		return
	}
	defer s.untrackWS(c)
	s.logf("%s: %s: open", peer, req.Target)
	h(c, req)
	// A handler that returned without a closing handshake gets one now.
	err = c.CloseAndWait(frame.CloseNormal, "")
	s.logf("%s: %s: closed: %v", peer, req.Target, err)
}

func (s *Server) servePage(nc net.Conn, req *handshake.Request) error {
	if s.cfg.Pages == nil {
		return handshake.WriteError(nc, &handshake.Error{Status: 404, Reason: "no such page: " + req.Path()})
	}
	return handshake.ServeFile(nc, req, s.cfg.Pages)
}

func (s *Server) options(peer string) ws.Options {
	opt := ws.Options{
		MaxMessage:   s.cfg.MaxMessage,
		ReadTimeout:  s.cfg.ReadTimeout,
		WriteTimeout: s.cfg.WriteTimeout,
		CloseWait:    s.cfg.CloseWait,
	}
	if s.cfg.Trace != nil {
		trace := s.cfg.Trace
		opt.Trace = func(in bool, h frame.Header, p []byte) { trace(peer, in, h, p) }
	}
	return opt
}

// trackWS records c, unless Shutdown has begun. Shutdown closes the loop
// before it takes s.mu, so a WebSocket is either in the set it collects or
// refused here.
func (s *Server) trackWS(c *ws.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.loop.Closing() {
		return false
	}
	if s.wsConns == nil {
		s.wsConns = map[*ws.Conn]struct{}{}
	}
	s.wsConns[c] = struct{}{}
	return true
}

func (s *Server) untrackWS(c *ws.Conn) {
	s.mu.Lock()
	delete(s.wsConns, c)
	s.mu.Unlock()
}

func (s *Server) logf(format string, args ...any) {
	if s.cfg.Logf != nil {
		s.cfg.Logf(format, args...)
		return
	}
	log.Printf(format, args...)
}
