// Package chat is a WebSocket chat room on github.com/gorilla/websocket:
// a hub that owns membership and fan-out, and per connection one reader
// goroutine and, only while there is something to send, one writer. Server is an http.Handler with the page at /, the
// room at /ws, an echo at /echo, the login form's target at /login and
// counters at /stats.
package chat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Server is one chat server: alone it is the whole room; with a Relay it
// is one of several sharing a room.
type Server struct {
	cfg      Config
	log      *slog.Logger
	mux      *http.ServeMux
	upgrader websocket.Upgrader
	id       string // random, so client IDs are unique across servers
	hub      *hub

	clientSeq atomic.Uint64
	guestSeq  atomic.Uint64

	// postMu makes posting one step at a time: the History's IDs, the
	// order events reach the Relay and our own member list all agree.
	postMu sync.Mutex
	local  map[string]Member // our clients that have announced themselves

	ctx    context.Context // ends at Shutdown: relay subscription, ticker
	cancel context.CancelFunc
	ready  chan struct{} // closed when the relay delivers our events
	readyO sync.Once
	bg     sync.WaitGroup

	mu       sync.Mutex
	closing  bool
	handlers sync.WaitGroup // open WebSocket connections, /ws and /echo
	echoes   map[*websocket.Conn]struct{}
}

// NewServer returns a Server for cfg (zero fields take the defaults). With
// a Relay it subscribes at once; with Tick it starts posting the time.
// Call Shutdown to end both.
func NewServer(cfg Config) *Server {
	cfg = cfg.withDefaults()
	s := &Server{
		cfg:    cfg,
		log:    cfg.Logger,
		mux:    http.NewServeMux(),
		id:     randomID(),
		local:  make(map[string]Member),
		ready:  make(chan struct{}),
		echoes: make(map[*websocket.Conn]struct{}),
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.hub = newHub(s.id, cfg.MaxListed, cfg.Announce)
	s.hub.evict = func(c *client, code int, reason string) {
		s.log.Info("evicting client", "client", c.id, "user", c.name, "reason", reason)
		c.close(code, reason)
	}
	s.upgrader = websocket.Upgrader{
		// Small per-connection read buffers, and write buffers borrowed
		// from a pool only while a message is being written: an idle
		// connection holds 1 KiB of buffer instead of gorilla's 8 KiB.
		ReadBufferSize:    1024,
		WriteBufferSize:   4096,
		WriteBufferPool:   &sync.Pool{},
		EnableCompression: cfg.Compress,
		CheckOrigin:       s.checkOrigin,
		HandshakeTimeout:  cfg.WriteWait,
	}
	s.mux.Handle("/", http.FileServerFS(cfg.Page))
	s.mux.HandleFunc("/ws", s.serveWS)
	s.mux.HandleFunc("/echo", s.serveEcho)
	s.mux.HandleFunc("/login", s.serveLogin)
	s.mux.HandleFunc("/stats", s.serveStats)

	if cfg.Relay == nil {
		close(s.ready)
	} else {
		s.bg.Go(func() {
			if err := cfg.Relay.Subscribe(s.ctx, s.deliver); err != nil && s.ctx.Err() == nil {
				s.log.Error("relay subscription ended", "err", err)
			}
		})
		s.bg.Go(s.hello)
	}
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
// side-by-side demo's feed) as username: stored, relayed and delivered
// like anyone's.
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
	return s.postCtx(ctx, Event{Type: TypeMessage, Username: name, Body: body, Time: now()})
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

// serveWS is one client's whole life in the room.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	if !s.enter() {
		http.Error(w, "server shutting down", http.StatusServiceUnavailable)
		return
	}
	defer s.handlers.Done()
	select {
	case <-s.ready:
	case <-r.Context().Done():
		return
	}
	name := s.username(r)
	if name == "" {
		name = "guest-" + strconv.FormatUint(s.guestSeq.Add(1), 10)
	}
	since := r.URL.Query().Get("since")
	conn, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered: 400, 403 (origin), ...
	}
	conn.SetReadLimit(s.cfg.MaxMessage)
	c := &client{
		s:        s,
		conn:     conn,
		id:       s.id + "-" + strconv.FormatUint(s.clientSeq.Add(1), 10),
		name:     name,
		send:     make(chan *outgoing, s.cfg.SendQueue),
		stop:     make(chan struct{}),
		readDone: make(chan struct{}),
		done:     make(chan struct{}),
	}
	// The handler holds the writing flag until the history is loaded, so
	// that an event queued meanwhile starts no writer ahead of the replay.
	c.writing.Store(true)
	// Register before reading the history: whatever is posted meanwhile is
	// both queued and (maybe) in the history, and the writer drops the
	// queued copies of replayed IDs. Registered after, it could be in
	// neither.
	if !s.hub.add(c) {
		conn.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseGoingAway, "server shutting down"),
			time.Now().Add(closeGrace))
		conn.Close()
		return
	}
	problem := s.loadReplay(r.Context(), c, since)
	// The ping timer is made stopped and then started, so that pinger,
	// which re-arms it through c.ping, runs only after c.ping is set.
	c.ping = time.AfterFunc(time.Duration(math.MaxInt64), c.pinger)
	c.ping.Reset(s.cfg.PingPeriod)
	go c.writer() // hands the flag on: the replay, then the queue
	if problem != "" {
		s.hub.sendTo(c, errorEvent(problem))
	}
	s.log.Info("joined", "client", c.id, "user", c.name, "remote", r.RemoteAddr)
	s.announce(TypeOnline, c)

	// The reader goes on in a goroutine of its own and this handler
	// returns, so net/http lets go of what it kept for the request (its
	// 4 KiB read buffer, the request, a stack grown by the handshake): an
	// idle connection then costs one small goroutine and little else.
	s.handlers.Add(1) // while our own count still holds, so Shutdown waits for it
	go func() {
		defer s.handlers.Done()
		c.readPump()
		s.hub.remove(c)
		s.announce(TypeOffline, c)
		c.close(0, "")
		<-c.done
		s.log.Info("left", "client", c.id, "user", c.name)
	}()
}

// loadReplay reads the history a joiner gets first and says what went wrong.
func (s *Server) loadReplay(ctx context.Context, c *client, since string) (problem string) {
	if since != "" {
		if _, err := strconv.ParseUint(since, 10, 64); err != nil {
			problem = fmt.Sprintf("since=%q is not a message id: here is all the history", since)
			since = ""
		}
	}
	events, err := s.cfg.History.Since(ctx, since)
	switch {
	case errors.Is(err, ErrTooOld):
		problem = "some messages since " + since + " are no longer kept: showing what is"
	case err != nil:
		problem = "history unavailable: " + err.Error()
	}
	for _, e := range events {
		o := prepare(e)
		c.replay = append(c.replay, o)
		c.after = max(c.after, o.id)
	}
	return problem
}

// announce posts c's online or offline event.
func (s *Server) announce(typ string, c *client) {
	s.postMu.Lock()
	defer s.postMu.Unlock()
	m := Member{ClientID: c.id, Username: c.name}
	if typ == TypeOnline {
		s.local[c.id] = m
	} else {
		delete(s.local, c.id)
	}
	e := Event{Type: typ, ClientID: c.id, Username: c.name, Time: now()}
	if s.cfg.Relay != nil {
		e.Members = s.localList() // what other servers replace our part with
	}
	s.emit(e)
}

// post stores a client's message and sends it to the room.
func (s *Server) post(e Event) error {
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.WriteWait)
	defer cancel()
	return s.postCtx(ctx, e)
}

func (s *Server) postCtx(ctx context.Context, e Event) error {
	s.postMu.Lock()
	defer s.postMu.Unlock()
	stored, err := s.cfg.History.Add(ctx, e)
	if err != nil && !errors.Is(err, ErrDegraded) {
		return err
	}
	s.emit(stored)
	if err != nil {
		s.hub.broadcast(errorEvent("history degraded, messages may not be kept: " + err.Error()))
	}
	return nil
}

// emit sends e to the room: through the relay when there is one (and
// delivers here what comes back), else straight to this hub. s.postMu is
// held, so events leave in the order they were made.
func (s *Server) emit(e Event) {
	if s.cfg.Relay == nil {
		s.deliver(e)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.WriteWait)
	defer cancel()
	if err := s.cfg.Relay.Publish(ctx, e); err != nil {
		s.log.Warn("relay publish failed; delivering here only", "err", err)
		s.deliver(e)
		s.hub.broadcast(errorEvent("room degraded: people on other servers may not see this (" + err.Error() + ")"))
	}
}

// deliver hands one event of the room to this hub's clients.
func (s *Server) deliver(e Event) {
	var newOrigin bool
	switch e.Type {
	case TypeMembers:
		if e.ClientID == s.id {
			s.readyO.Do(func() { close(s.ready) })
			return
		}
		newOrigin = s.hub.members(e)
	case TypeOnline, TypeOffline:
		newOrigin = s.hub.presence(e)
	default:
		s.hub.broadcast(e)
	}
	if newOrigin {
		// A server we did not know: tell it who is here. Not from this
		// goroutine, which must keep delivering.
		go s.tellMembers()
	}
}

// hello announces this server to the room until its own announcement
// comes back through the relay: then the subscription is live and our
// clients will see their own events. After 2s it lets clients in anyway.
func (s *Server) hello() {
	defer s.readyO.Do(func() { close(s.ready) })
	for range 20 {
		s.tellMembers()
		select {
		case <-s.ready:
			return
		case <-s.ctx.Done():
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
	s.log.Warn("relay does not echo our events yet; letting clients in anyway")
}

func (s *Server) tellMembers() {
	s.postMu.Lock()
	defer s.postMu.Unlock()
	ctx, cancel := context.WithTimeout(s.ctx, s.cfg.WriteWait)
	defer cancel()
	e := Event{Type: TypeMembers, ClientID: s.id, Time: now(), Members: s.localList()}
	if err := s.cfg.Relay.Publish(ctx, e); err != nil && s.ctx.Err() == nil {
		s.log.Warn("relay publish failed", "err", err)
	}
}

func (s *Server) localList() []Member {
	list := make([]Member, 0, len(s.local))
	for _, m := range s.local {
		list = append(list, m)
	}
	slices.SortFunc(list, func(a, b Member) int {
		if a.ClientID < b.ClientID {
			return -1
		}
		return 1
	})
	return list
}

// serveEcho echoes every text and binary message back unchanged: the same
// contract as chapter 04's hand-rolled /echo, so the two can be compared
// on identical work. One goroutine reads and then writes, so there is
// still only one writer of data frames.
func (s *Server) serveEcho(w http.ResponseWriter, r *http.Request) {
	if !s.enter() {
		http.Error(w, "server shutting down", http.StatusServiceUnavailable)
		return
	}
	defer s.handlers.Done()
	conn, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	s.mu.Lock()
	s.echoes[conn] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.echoes, conn)
		s.mu.Unlock()
	}()
	conn.SetReadLimit(s.cfg.MaxMessage)
	// The same keepalive as the room's: a dead peer is dropped within
	// PingPeriod+PongWait. Pings go with WriteControl, the one write
	// gorilla allows beside the loop's own.
	alive := func() { conn.SetReadDeadline(time.Now().Add(s.cfg.PingPeriod + s.cfg.PongWait)) }
	alive()
	conn.SetPongHandler(func(string) error { alive(); return nil })
	stopPing := make(chan struct{})
	defer close(stopPing)
	go func() {
		t := time.NewTicker(s.cfg.PingPeriod)
		defer t.Stop()
		for {
			select {
			case <-stopPing:
				return
			case <-t.C:
				conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(s.cfg.WriteWait))
			}
		}
	}()
	for {
		typ, data, err := conn.ReadMessage()
		if err != nil {
			return
		}
		alive()
		conn.SetWriteDeadline(time.Now().Add(s.cfg.WriteWait))
		if conn.WriteMessage(typ, data) != nil {
			return
		}
	}
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
	clients, members := s.hub.sizes()
	return Stats{Server: s.id, Clients: clients, Members: members, Goroutines: runtime.NumGoroutine()}
}

func (s *Server) serveStats(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.Stats())
}

// enter counts a WebSocket handler in, unless shutting down.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.handlers.Add(1)
	return true
}

// Shutdown sends every client close 1001 (going away) after what is
// already queued for it, waits for them to go (each one's offline event is
// still published, so other servers' pages stay right), then stops the
// relay subscription and the clock. When ctx ends first, the remaining
// connections are cut. It does not stop the http.Server: call its
// Shutdown first so no new connection comes in.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	echoes := make([]*websocket.Conn, 0, len(s.echoes))
	for c := range s.echoes {
		echoes = append(echoes, c)
	}
	s.mu.Unlock()

	clients := s.hub.close()
	for _, c := range clients {
		c.close(websocket.CloseGoingAway, "server shutting down")
	}
	bye := websocket.FormatCloseMessage(websocket.CloseGoingAway, "server shutting down")
	for _, c := range echoes {
		// WriteControl is safe beside the echo loop's own writes.
		c.WriteControl(websocket.CloseMessage, bye, time.Now().Add(closeGrace))
		c.SetReadDeadline(time.Now().Add(closeGrace))
	}

	done := make(chan struct{})
	go func() { s.handlers.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
		for _, c := range clients {
			c.conn.Close()
		}
		for _, c := range echoes {
			c.Close()
		}
		<-done
	}
	s.cancel()
	s.bg.Wait()
	return err
}

func randomID() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func itoa(n int) string { return strconv.Itoa(n) }
