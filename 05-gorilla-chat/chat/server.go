// Package chat is a WebSocket chat room on github.com/gorilla/websocket.
// The room itself is chapter 04's (package room: a bounded queue per
// member, slow readers evicted, presence as one coalesced notice); what
// this chapter adds is gorilla doing the protocol, with its two pumps per
// connection (pumps.go), a history for joiners, names, limits and a clean
// shutdown. Server is an http.Handler with the page at /, the room at /ws,
// an echo at /echo, the login form's target at /login and counters at
// /stats.
package chat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"example.com/wswalk/03-raw-handshake/handshake"
	"example.com/wswalk/04-framing/room"
	"example.com/wswalk/05-gorilla-chat/echo"
)

// Server is one chat server: alone it is the whole room; with a Relay it
// is one of several sharing a room.
type Server struct {
	cfg      Config
	log      *slog.Logger
	mux      *http.ServeMux
	upgrader websocket.Upgrader
	echo     *echo.Handler
	id       string // random, so client IDs are unique across servers

	origins   handshake.ByAddr
	room      room.Room[*outgoing]
	elsewhere elsewhere // members on other servers (with a Relay)
	clientSeq atomic.Uint64
	guestSeq  atomic.Uint64

	// postMu makes posting one step at a time, so the History's IDs and
	// the order messages reach the room agree.
	postMu sync.Mutex

	quit    chan struct{} // closed by Shutdown: every writer says 1001
	ctx     context.Context
	cancel  context.CancelFunc
	bg      sync.WaitGroup // the clock
	mu      sync.Mutex
	closing bool
	conns   sync.WaitGroup // open room connections: their readers and last writers
}

// NewServer returns a Server for cfg (zero fields take the defaults). With
// Tick it starts posting the time; Shutdown ends that.
func NewServer(cfg Config) *Server {
	cfg = cfg.withDefaults()
	s := &Server{
		cfg:  cfg,
		log:  cfg.Logger,
		mux:  http.NewServeMux(),
		id:   randomID(),
		quit: make(chan struct{}),
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.origins.Allow = cfg.Origins
	s.room.Queue = cfg.SendQueue
	s.room.Presence = s.presence
	s.upgrader = websocket.Upgrader{
		// Small per-connection read buffers (chat messages are small; a
		// larger one is read in several steps), and write buffers borrowed
		// from a pool only while a message is being written: an idle
		// connection holds 256 bytes of buffer instead of gorilla's 8 KiB.
		ReadBufferSize:    256,
		WriteBufferSize:   4096,
		WriteBufferPool:   &sync.Pool{},
		EnableCompression: cfg.Compress,
		CheckOrigin:       s.checkOrigin,
		HandshakeTimeout:  cfg.WriteWait,
	}
	s.echo = echo.New(echo.Config{
		CheckOrigin: s.checkOrigin,
		MaxMessage:  cfg.MaxMessage,
		PingPeriod:  cfg.PingPeriod,
		PongWait:    cfg.PongWait,
		WriteWait:   cfg.WriteWait,
	})
	s.mux.Handle("/", http.FileServerFS(cfg.Page))
	s.mux.HandleFunc("/ws", s.serveWS)
	s.mux.Handle("/echo", s.echo)
	s.mux.HandleFunc("/login", s.serveLogin)
	s.mux.HandleFunc("/stats", s.serveStats)
	if cfg.Tick > 0 {
		s.bg.Go(s.tick)
	}
	return s
}

// ServeHTTP routes to the page, /ws, /echo, /login, /stats and whatever
// Handle added.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Handle adds a route beside the chat's own (the side-by-side page mounts
// itself at /compare this way).
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// ID is this server's random name, the prefix of its clients' IDs.
func (s *Server) ID() string { return s.id }

// Publish posts a message from the server itself (the clock, the
// side-by-side demo's feed) as username: stored and delivered like
// anyone's.
func (s *Server) Publish(ctx context.Context, username, body string) error {
	body = cleanBody(body)
	if body == "" {
		return errors.New("chat: empty message")
	}
	if len(body) > s.cfg.MaxBody {
		return fmt.Errorf("chat: message of %d bytes, at most %d", len(body), s.cfg.MaxBody)
	}
	name := cleanName(username, s.cfg.MaxName)
	if name == "" {
		name = "server"
	}
	return s.post(ctx, Event{Type: TypeMessage, Username: name, Body: body, Time: now()})
}

func (s *Server) tick() {
	t := time.NewTicker(s.cfg.Tick)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case now := <-t.C:
			if err := s.Publish(s.ctx, "clock", "It is "+now.Format("15:04:05")+"."); err != nil && s.ctx.Err() == nil {
				s.log.Warn("clock message not posted", "err", err)
			}
		}
	}
}

// post stores a message and sends it to the room.
func (s *Server) post(ctx context.Context, e Event) error {
	s.postMu.Lock()
	defer s.postMu.Unlock()
	stored, err := s.cfg.History.Add(ctx, e)
	if err != nil {
		return err // nothing stored: the sender is told, and may send again
	}
	s.send(ctx, stored)
	return nil
}

// send hands a stored message to the room: to this server's members, or
// through the Relay to every server's.
func (s *Server) send(ctx context.Context, stored Event) {
	if s.cfg.Relay == nil {
		s.Deliver(stored)
		return
	}
	if err := s.cfg.Relay.Publish(ctx, stored); err != nil {
		s.log.Warn("relay publish failed; delivering here only", "err", err)
		s.Deliver(stored)
		s.Notify("relay", "room degraded: people on other servers may not see this ("+err.Error()+")")
	}
}

// Deliver hands a stored message to this server's members. A member that
// has fallen SendQueue messages behind is evicted (1008), never waited for.
func (s *Server) Deliver(e Event) {
	for _, m := range s.room.Send(prepare(e)) {
		s.log.Info("evicting client", "client", m.ID, "user", m.Name, "reason", "too slow: send queue full")
	}
}

// Notify tells every member here something about the room (as an error
// event): the newest notice of a kind replaces an unsent older one, and a
// notice never evicts anyone.
func (s *Server) Notify(kind, body string) {
	s.room.Announce(kind, prepare(Event{Type: TypeError, Body: body, Time: now()}))
}

// Stats is what /stats reports.
type Stats struct {
	Server     string `json:"server"`
	Clients    int    `json:"clients"` // connected to this server
	Members    int    `json:"members"` // in the room, all servers
	Goroutines int    `json:"goroutines"`
}

// Stats counts the server's clients and goroutines now.
func (s *Server) Stats() Stats {
	here := s.room.Len()
	return Stats{Server: s.id, Clients: here, Members: here + s.elsewhere.count(),
		Goroutines: runtime.NumGoroutine()}
}

func (s *Server) serveStats(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.Stats())
}

// enter counts a room connection in, unless shutting down.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.conns.Add(1)
	return true
}

// Shutdown sends every client close 1001 (going away) after what is
// already queued for it, and waits for them to go; the echo's clients get
// 1001 too. When ctx ends first, the remaining connections are cut. It
// does not stop the http.Server: call its Shutdown too, so no new
// connection comes in.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if !s.closing {
		s.closing = true
		close(s.quit)
	}
	s.mu.Unlock()
	// Every writer, idle ones too, sees quit. In a goroutine: a room whose
	// lock is stuck must not keep Shutdown past its deadline.
	go s.room.WakeAll()
	// The echo's peers get 1001 and closeGrace to answer, as the room's do.
	echoDone := make(chan error, 1)
	go func() {
		ectx, cancel := context.WithTimeout(ctx, closeGrace)
		defer cancel()
		if err := s.echo.Shutdown(ectx); ctx.Err() != nil {
			echoDone <- err
			return
		}
		echoDone <- nil // cut at our grace, not at the caller's deadline
	}()

	done := make(chan struct{})
	go func() { s.conns.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
		// The writers give up at their close deadline. A connection stuck
		// past it (in a room that blocks, say) is not waited for: Shutdown
		// returns by its deadline, and says so.
		select {
		case <-done:
		case <-time.After(closeGrace):
			err = fmt.Errorf("chat: connections still open %v past the shutdown deadline: %w", closeGrace, err)
		}
	}
	s.cancel()
	s.bg.Wait()
	return errors.Join(err, <-echoDone)
}

func randomID() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func itoa(n int) string { return strconv.Itoa(n) }
