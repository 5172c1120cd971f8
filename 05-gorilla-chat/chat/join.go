package chat

import (
	"context"
	"errors"
	"net/http"
	"strconv"
)

// serveWS upgrades a request to /ws and starts the client's two pumps.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	if !s.enter() {
		http.Error(w, "server shutting down", http.StatusServiceUnavailable)
		return
	}
	name := s.username(r)
	if name == "" {
		name = "guest-" + strconv.FormatUint(s.guestSeq.Add(1), 10)
	}
	since, epoch := r.URL.Query().Get("since"), r.URL.Query().Get("epoch")
	conn, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.conns.Done()
		return // the upgrader has answered: 400, 403 (origin), ...
	}
	conn.SetReadLimit(s.cfg.MaxMessage)
	c := &client{s: s, conn: conn, readDone: make(chan struct{})}
	s.conns.Add(1) // two to wait for: readPump here, the writer's end in writer.go
	// The handler is the writer until the history is loaded, so a wake
	// meanwhile starts none ahead of the replay.
	c.running = true
	// Join before reading the history: whatever is posted meanwhile is
	// both queued and (maybe) in the history, and writePump drops the
	// queued copies of replayed IDs. Joined after, it could be in neither.
	id := s.id + "-" + strconv.FormatUint(s.clientSeq.Add(1), 10)
	c.member = s.room.Join(id, name, c.wake)
	problem := c.loadReplay(r.Context(), since, epoch)
	if problem != "" {
		s.room.Tell(c.member, prepare(errorEvent(problem)))
	}
	s.log.Info("joined", "client", id, "user", name, "remote", r.RemoteAddr)

	c.startPinging()
	go c.writePump() // hands the writing flag on: the replay, then the rest

	// readPump goes on in a goroutine of its own and this handler returns,
	// so net/http lets go of what it kept for the request (its read
	// buffer, the request, a stack grown by the handshake).
	go c.readPump()
}

// leave is what follows readPump: the client leaves the room, whose Gone
// has its writer close the connection.
func (c *client) leave() {
	close(c.readDone)
	c.s.room.Leave(c.member)
	c.s.log.Info("left", "client", c.member.ID, "user", c.member.Name)
	c.s.conns.Done()
}

// loadReplay reads the history a joiner gets first and says what went
// wrong: ?since= and ?epoch= are where it resumes (the one contract of
// chapters 05 and 06, ParseCursor).
func (c *client) loadReplay(ctx context.Context, since, epoch string) (problem string) {
	cur, err := ParseCursor(since, epoch)
	if err != nil {
		problem = err.Error() + ": here is all the history"
	}
	events, err := c.s.cfg.History.Since(ctx, cur)
	switch {
	case errors.Is(err, ErrReset):
		problem = "the history you had is gone (reset): here is what is kept now"
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
