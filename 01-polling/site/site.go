// Package site puts a polling chapter together as one HTTP server: the page
// at /, the message API at /messages, the wire counters at /stats, all on a
// listener that counts every byte, with timeouts for slow clients
// (NewServer, which builds every net/http server of the course); the clock
// of -tick; and a shutdown that ends held requests at once. Chapter 01
// serves short polling with it and chapter 02 long polling: only the API
// handler and the page differ.
package site

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"sync"
	"time"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/01-polling/wire"
)

// ShutdownGrace bounds how long Serve waits, once asked to stop, for the
// answers being written to finish.
const ShutdownGrace = 5 * time.Second

// Server is one chapter's server. Fill it in and call Serve.
type Server struct {
	API      http.Handler            // the message API: poll.NewHandler or longpoll.NewHandler
	Routes   map[string]http.Handler // more endpoints by pattern (chapter 02's /events)
	Store    poll.Store              // where the clock posts; the store API writes to
	Pages    fs.FS                   // index.html and what it loads
	Tick     time.Duration           // post the time every Tick; 0 means no clock
	Timeouts Timeouts                // for slow clients; the zero value is the defaults
}

// Handler routes a request to the API, the counters or the page, and counts
// it on meter:
//
//	/messages, /messages/...  the API (it answers 404 and 405 itself)
//	/stats                    meter's counters as JSON
//	each of Routes            its handler
//	anything else             a file of Pages, / being index.html
func (s *Server) Handler(meter *wire.Meter) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/messages", s.API)
	mux.Handle("/messages/", s.API)
	mux.Handle("/stats", meter.Handler())
	for pattern, h := range s.Routes {
		mux.Handle(pattern, h)
	}
	mux.Handle("/", Pages(s.Pages))
	return meter.CountRequests(mux)
}

// Serve serves on ln until ctx is done, then stops: the clock stops, held
// requests are told to end (their context is cancelled, so a long poll
// answers [] at once instead of keeping the shutdown waiting for up to a
// minute), and the answers under way get ShutdownGrace to finish. It
// returns nil after a clean stop and the error otherwise.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if s.Tick < 0 {
		return errors.New("tick must not be negative")
	}
	counted := wire.NewListener(ln)
	// Every request's context derives from base, so cancelling base
	// reaches every handler still running.
	base, cancelBase := context.WithCancel(context.Background())
	defer cancelBase()
	var spare spareConns
	srv := NewServer(s.Handler(counted.Meter()), s.Timeouts)
	srv.BaseContext = func(net.Listener) context.Context { return base }
	srv.ConnState = spare.track
	clockCtx, stopClock := context.WithCancel(ctx)
	defer stopClock()
	clockDone := make(chan struct{})
	go func() {
		defer close(clockDone)
		if s.Tick > 0 {
			Clock(clockCtx, s.Store, s.Tick, time.Now)
		}
	}()

	served := make(chan error, 1)
	go func() { served <- srv.Serve(counted) }()
	select {
	case err := <-served: // the listener failed
		stopClock()
		<-clockDone
		return err
	case <-ctx.Done():
	}
	cancelBase()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
	defer cancel()
	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(shutdownCtx) }()
	spare.closeAll()
	err := <-shut
	if err != nil {
		srv.Close() // the grace is over: cut what is left
		err = fmt.Errorf("stop: requests still running after %v, cut: %w", ShutdownGrace, err)
	}
	<-clockDone
	if serveErr := <-served; !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return err
}

// spareConns keeps the connections that have not delivered a request yet
// (http.StateNew). Browsers and Go's own client open spare connections that
// may never carry one, and http.Server.Shutdown waits up to 5 s for each
// before it counts it as idle; closing them at once makes a stop immediate.
// What is cut is at most a request still on its way in, as late as one
// that finds the listener closed.
type spareConns struct {
	mu       sync.Mutex
	conns    map[net.Conn]struct{}
	stopping bool // after closeAll, a connection accepted late is closed at once
}

func (s *spareConns) track(c net.Conn, state http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if state == http.StateNew && s.stopping {
		c.Close()
		return
	}
	if state == http.StateNew {
		if s.conns == nil {
			s.conns = map[net.Conn]struct{}{}
		}
		s.conns[c] = struct{}{}
		return
	}
	delete(s.conns, c)
}

func (s *spareConns) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopping = true
	for c := range s.conns {
		c.Close()
	}
}

// URL is the address to open in a browser for a server listening on addr:
// an unspecified host (":8001", "0.0.0.0", "[::]") is shown as 127.0.0.1,
// which works on the machine itself.
func URL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String() + "/"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}
