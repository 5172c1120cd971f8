package chat

import (
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// hub owns who is connected here and who is in the room, and hands every
// event to every local client. One mutex guards it all, and fan-out happens
// while holding it: an event is encoded once, then put on each client's
// queue without waiting (a full queue evicts that client), so the lock is
// held for microseconds per client and every client sees events in the one
// order the lock gave them. See the README for why a lock and not a
// goroutine.
type hub struct {
	self      string // this server's origin, the prefix of its client IDs
	maxListed int
	announce  int
	evict     func(c *client, code int, reason string)

	mu      sync.Mutex
	closing bool
	clients map[*client]struct{}
	// roster is the room, by origin (one server) then client ID. Our own
	// part changes one event at a time; another server's part is replaced
	// by the list it sends with each of its online, offline and members
	// events, so a server that missed some still ends up right.
	roster map[string]map[string]Member
	count  int
}

// outgoing is one event ready for the wire, shared by every client's queue:
// encoded, and framed by gorilla once per compression setting.
type outgoing struct {
	id  uint64 // message ID as a number; 0 for other events
	msg *websocket.PreparedMessage
}

func newHub(self string, maxListed, announce int) *hub {
	return &hub{
		self:      self,
		maxListed: maxListed,
		announce:  announce,
		clients:   make(map[*client]struct{}),
		roster:    map[string]map[string]Member{self: {}},
	}
}

// originOf is the server part of a client ID ("3f9a0c1e-12" → "3f9a0c1e").
func originOf(clientID string) string {
	o, _, _ := strings.Cut(clientID, "-")
	return o
}

// add registers c for events from now on; false once the hub is closing.
func (h *hub) add(c *client) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closing {
		return false
	}
	h.clients[c] = struct{}{}
	return true
}

// remove stops sending to c.
func (h *hub) remove(c *client) {
	h.mu.Lock()
	delete(h.clients, c)
	h.mu.Unlock()
}

// close refuses new clients and returns the current ones.
func (h *hub) close() []*client {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closing = true
	all := make([]*client, 0, len(h.clients))
	for c := range h.clients {
		all = append(all, c)
	}
	return all
}

// sizes reports the connected clients and the room's member count.
func (h *hub) sizes() (clients, members int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients), h.count
}

// presence applies an online or offline event to the roster and, unless
// the room is too big to announce to, sends it to everyone with the
// room's count (and list, when short). It reports whether the event came
// from a server this hub had never heard of.
func (h *hub) presence(e Event) (newOrigin bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	newOrigin = h.update(e)
	if h.count > h.announce {
		return newOrigin
	}
	e.Count = h.count
	e.Members = nil
	if h.count <= h.maxListed {
		e.Members = h.list()
	}
	h.fanout(e)
	return newOrigin
}

// members applies another server's members event; it goes to no browser.
func (h *hub) members(e Event) (newOrigin bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.update(e)
}

func (h *hub) update(e Event) (newOrigin bool) {
	origin := originOf(e.ClientID)
	part, known := h.roster[origin]
	switch {
	case origin == h.self && e.Type == TypeOnline:
		part[e.ClientID] = Member{ClientID: e.ClientID, Username: e.Username}
	case origin == h.self && e.Type == TypeOffline:
		delete(part, e.ClientID)
	case origin == h.self: // our own members event: nothing to learn
	default:
		part = make(map[string]Member, len(e.Members))
		for _, m := range e.Members {
			if originOf(m.ClientID) == origin {
				part[m.ClientID] = m
			}
		}
		if e.Type == TypeOnline {
			part[e.ClientID] = Member{ClientID: e.ClientID, Username: e.Username}
		}
		if e.Type == TypeOffline {
			delete(part, e.ClientID)
		}
		h.roster[origin] = part
	}
	h.count = 0
	for _, p := range h.roster {
		h.count += len(p)
	}
	return !known
}

// list is the whole room, sorted by name then ID.
func (h *hub) list() []Member {
	all := make([]Member, 0, h.count)
	for _, p := range h.roster {
		for _, m := range p {
			all = append(all, m)
		}
	}
	slices.SortFunc(all, func(a, b Member) int {
		return cmp.Or(cmp.Compare(a.Username, b.Username), cmp.Compare(a.ClientID, b.ClientID))
	})
	return all
}

// broadcast sends e to every local client.
func (h *hub) broadcast(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fanout(e)
}

// sendTo sends e to c alone (an error meant for one client).
func (h *hub) sendTo(c *client, e Event) {
	o := prepare(e)
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.clients[c]; ok {
		h.enqueue(c, o)
	}
}

// fanout encodes e once and queues it for every client. h.mu is held.
func (h *hub) fanout(e Event) {
	o := prepare(e)
	for c := range h.clients {
		h.enqueue(c, o)
	}
}

// enqueue never waits: a client whose queue is full cannot keep up, and
// waiting for it would make the whole room as slow as its slowest reader.
// It is dropped with 1008 instead and may reconnect with ?since=. A queued
// event wakes the client's writer, which starts one only if none runs.
func (h *hub) enqueue(c *client, o *outgoing) {
	select {
	case c.send <- o:
		c.wake()
	default:
		delete(h.clients, c)
		h.evict(c, websocket.ClosePolicyViolation, "too slow: send queue full")
	}
}

// prepare encodes e. Event holds only strings and a time, so the only way
// to fail is a time outside years 0-9999 from a History: the event then
// goes out without it rather than not at all.
func prepare(e Event) *outgoing {
	data, err := json.Marshal(e)
	if err != nil {
		e.Time = time.Time{}
		data, _ = json.Marshal(e)
	}
	// NewPreparedMessage fails only when compressing fails, which writing
	// to memory does not.
	msg, _ := websocket.NewPreparedMessage(websocket.TextMessage, data)
	o := &outgoing{msg: msg}
	if e.Type == TypeMessage {
		o.id, _ = strconv.ParseUint(e.ID, 10, 64)
	}
	return o
}
