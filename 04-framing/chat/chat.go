// Package chat is a broadcast room on chapter 04's hand-rolled frames:
// every text message a member sends reaches every member, as a JSON event.
//
// A member that reads slowly must not slow the room down. Each member has
// a bounded queue and its own writer goroutine; the broadcast only ever
// tries to put an event in a queue, never waits, and a member whose queue
// is full is dropped (closed with 1008) instead of being waited for.
package chat

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"example.com/wswalk/03-raw-handshake/handshake"
	"example.com/wswalk/04-framing/frame"
	"example.com/wswalk/04-framing/ws"
)

// DefaultQueue is how many events a member may have waiting, unless the
// Room says otherwise.
const DefaultQueue = 64

// maxName is the longest username, in runes.
const maxName = 32

// Event is what the room sends its members, one JSON object per text frame.
type Event struct {
	Type     string `json:"type"` // "message", "online" or "offline"
	Username string `json:"username"`
	Body     string `json:"body,omitempty"`
	Time     string `json:"time"` // RFC 3339
}

// Room is one chat room. The zero value is ready to use; Handle is its
// server.Handler.
type Room struct {
	Queue int // events a member may have waiting; DefaultQueue if 0

	mu      sync.Mutex
	members map[*member]struct{}
	guests  int
}

// member is one connection in the room.
type member struct {
	conn    *ws.Conn
	name    string
	out     chan []byte   // encoded events waiting to be written
	dropped chan struct{} // closed when the member leaves or is dropped
	drop    sync.Once
	slow    atomic.Bool // dropped because its queue was full
}

// Handle runs one member's connection: join, relay their messages, leave.
func (r *Room) Handle(c *ws.Conn, req *handshake.Request) {
	m := &member{
		conn:    c,
		out:     make(chan []byte, or(r.Queue, DefaultQueue)),
		dropped: make(chan struct{}),
	}
	r.join(m, requestedName(req))
	done := make(chan struct{})
	go func() { defer close(done); r.writeLoop(m) }()

	refused := false
	for {
		op, msg, err := c.ReadMessage()
		if err != nil {
			break
		}
		if refused {
			continue // until the peer's answer to our close ends ReadMessage
		}
		if op != frame.OpText {
			// §7.4.1: 1003 for "a type of data it cannot accept".
			c.Close(frame.CloseUnsupportedData, "this room takes text only")
			refused = true
			continue
		}
		body := strings.TrimSpace(string(msg))
		if body == "" {
			continue
		}
		r.broadcast(Event{Type: "message", Username: m.name, Body: body})
	}
	r.leave(m)
	<-done
}

// Online returns the names of the members, in no particular order.
func (r *Room) Online() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	names := make([]string, 0, len(r.members))
	for m := range r.members {
		names = append(names, m.name)
	}
	return names
}

func (r *Room) join(m *member, name string) {
	r.mu.Lock()
	if name == "" {
		r.guests++
		name = fmt.Sprintf("guest-%d", r.guests)
	}
	m.name = name
	if r.members == nil {
		r.members = map[*member]struct{}{}
	}
	r.members[m] = struct{}{}
	r.mu.Unlock()
	r.broadcast(Event{Type: "online", Username: name})
}

// leave removes m, unless the room already dropped it, and tells the rest.
func (r *Room) leave(m *member) {
	r.mu.Lock()
	_, still := r.members[m]
	delete(r.members, m)
	r.mu.Unlock()
	m.drop.Do(func() { close(m.dropped) }) // stops the writer
	if still {
		r.broadcast(Event{Type: "offline", Username: m.name})
	}
}

// broadcast queues ev for every member without ever waiting: a member
// whose queue is full is dropped on the spot.
func (r *Room) broadcast(ev Event) {
	ev.Time = time.Now().UTC().Format(time.RFC3339)
	data, err := json.Marshal(ev)
	if err != nil {
		return // a struct of strings always encodes
	}
	var slow []*member
	r.mu.Lock()
	for m := range r.members {
		select {
		case m.out <- data:
		default:
			delete(r.members, m)
			slow = append(slow, m)
		}
	}
	r.mu.Unlock()
	for _, m := range slow {
		m.slow.Store(true)
		m.drop.Do(func() { close(m.dropped) })
		// The others learn it left; this recursion ends because each
		// member can be dropped only once.
		r.broadcast(Event{Type: "offline", Username: m.name})
	}
}

// writeLoop is the member's only writer of events: it takes them from the
// queue and writes them, each write bounded by the write deadline. (An
// idle member is pinged by ws.Conn itself, so a dead one is noticed.)
func (r *Room) writeLoop(m *member) {
	for {
		select {
		case data := <-m.out:
			if err := m.conn.WriteMessage(frame.OpText, data); err != nil {
				return
			}
		case <-m.dropped:
			if m.slow.Load() {
				// §7.4.1: 1008, the connection broke this room's policy.
				// Handle's ReadMessage then sees the answer and returns.
				m.conn.Close(frame.ClosePolicyViolation, "too slow: events were piling up")
			}
			return
		}
	}
}

// requestedName is ?username=, trimmed and cut to maxName runes, or "".
func requestedName(req *handshake.Request) string {
	q, err := url.ParseQuery(req.Query())
	if err != nil {
		return ""
	}
	name := strings.TrimSpace(q.Get("username"))
	if !utf8.ValidString(name) {
		return ""
	}
	if utf8.RuneCountInString(name) > maxName {
		name = string([]rune(name)[:maxName])
	}
	return name
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
