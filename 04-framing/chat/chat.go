// Package chat is a broadcast room on chapter 04's hand-rolled frames:
// every text message a member sends reaches every member, as a JSON event.
//
// A member that reads slowly must not slow the room down. Package room
// gives each member a bounded queue; a broadcast only ever tries to put a
// message in it, never waits, and a member whose queue is full is dropped
// (closed with 1008) instead of being waited for. Joins and leaves are not
// queued at all: they become one "online" or "offline" notice with the
// count, at most every 100 ms, which can never push anyone out.
package chat

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/03-raw-handshake/handshake"
	"example.com/wswalk/04-framing/frame"
	"example.com/wswalk/04-framing/room"
	"example.com/wswalk/04-framing/ws"
)

// maxName is the longest username, in runes.
const maxName = 32

// Event is what the room sends its members, one JSON object per text frame.
type Event struct {
	Type     string `json:"type"` // "message", "online" or "offline"
	Username string `json:"username"`
	Body     string `json:"body,omitempty"`
	Time     string `json:"time"`            // RFC 3339
	Count    int    `json:"count,omitempty"` // online, offline: members now
}

// Room is one chat room on chapter 04's connections: package room's
// members and queues, with this chapter's events. The zero value is
// ready to use; Handle is its server.Handler.
type Room struct {
	Queue int // chat messages a member may have waiting; room.DefaultQueue if 0

	once   sync.Once
	room   room.Room[[]byte]
	ids    atomic.Uint64
	guests atomic.Uint64
}

// Handle runs one member's connection: join, relay their messages, leave.
func (r *Room) Handle(c *ws.Conn, req *handshake.Request) {
	r.once.Do(func() {
		r.room.Queue = r.Queue
		r.room.Presence = r.presence
	})
	name := requestedName(req)
	if name == "" {
		name = fmt.Sprintf("guest-%d", r.guests.Add(1))
	}
	m := r.room.Join(strconv.FormatUint(r.ids.Add(1), 10), name, nil)
	done := make(chan struct{})
	go func() { defer close(done); writeLoop(c, &r.room, m) }()

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
		body := poll.CleanBody(string(msg)) // the one rule for text: chapter 01's
		if body == "" {
			continue
		}
		r.room.Send(encode(Event{Type: "message", Username: m.Name, Body: body}))
	}
	r.room.Leave(m)
	<-done
}

// Online returns the names of the members, in no particular order.
func (r *Room) Online() []string {
	var names []string
	for _, m := range r.room.Members() {
		names = append(names, m.Name)
	}
	return names
}

// presence is the notice after people came or went: the latest of them,
// and how many are here now.
func (r *Room) presence(last room.Change) []byte {
	e := Event{Type: "offline", Username: last.Name, Count: r.room.Len()}
	if last.Online {
		e.Type = "online"
	}
	return encode(e)
}

func encode(e Event) []byte {
	e.Time = time.Now().UTC().Format(time.RFC3339)
	data, _ := json.Marshal(e) // a struct of strings always encodes
	return data
}

// writeLoop is the member's only writer: it writes chat messages and
// notices as they come, each write bounded by the connection's write
// deadline. (An idle member is pinged by ws.Conn itself, so a dead one
// is noticed.)
func writeLoop(c *ws.Conn, r *room.Room[[]byte], m *room.Member[[]byte]) {
	for {
		select {
		case data := <-m.Messages():
			if c.WriteMessage(frame.OpText, data) != nil {
				return
			}
		case <-m.Noticed():
			for _, data := range r.Notices(m) {
				if c.WriteMessage(frame.OpText, data) != nil {
					return
				}
			}
		case <-m.Gone():
			if m.Evicted() {
				// §7.4.1: 1008, the connection broke this room's policy.
				// Handle's ReadMessage then sees the answer and returns.
				c.Close(frame.ClosePolicyViolation, "too slow: messages were piling up")
			}
			return
		}
	}
}

// requestedName is ?username=, cleaned by the course's one rule for names
// (chapter 01's poll.CleanName) and cut to maxName runes, or "".
func requestedName(req *handshake.Request) string {
	q, err := url.ParseQuery(req.Query())
	if err != nil {
		return ""
	}
	return poll.CleanName(q.Get("username"), maxName)
}
