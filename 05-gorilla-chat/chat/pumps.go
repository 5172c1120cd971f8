package chat

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"example.com/wswalk/04-framing/room"
)

// client is one browser tab in the room: one WebSocket and two goroutines,
// gorilla's two pumps. gorilla allows one concurrent reader and one
// concurrent writer per connection (two goroutines writing at once
// interleave their bytes into corrupt frames, and gorilla panics with
// "concurrent write to websocket connection" when it notices), so
// readPump is the only reader and writePump the only writer; the room
// never writes, it queues.
type client struct {
	s      *Server
	conn   *websocket.Conn
	member *room.Member[*outgoing]
	replay []*outgoing // the history, written before anything queued
	after  uint64      // highest replayed ID: queued messages up to it are dupes

	readDone chan struct{} // closed when readPump returns

	writing sync.Mutex // guards running; see writer.go
	running bool       // a writePump runs, or the connection has ended
	ping    *time.Timer
}

// outgoing is one event ready for the wire, shared by every member's
// queue: encoded once, and framed by gorilla once per compression setting.
type outgoing struct {
	id  uint64 // message ID as a number; 0 for other events
	msg *websocket.PreparedMessage
}

// readPump reads the client's messages until the connection ends. The read
// deadline is the keepalive: every pong and every message pushes it to
// PingPeriod+PongWait from now, so a peer that stops answering pings (a
// laptop lid closed, a cable pulled) is dropped within that time.
//
// It is the goroutine an idle connection keeps, so its frames are kept
// small: blocked in ReadMessage it then fits the smallest stack Go gives
// (2 KiB), where a defer or logging inline would double it (measured).
func (c *client) readPump() {
	c.alive()
	c.conn.SetPongHandler(c.pong)
	for {
		// Over MaxMessage, gorilla answers close 1009 itself and returns
		// ErrReadLimit (it may: WriteControl is the one write method safe
		// to call alongside another writer).
		typ, data, err := c.conn.ReadMessage()
		if err != nil {
			c.readEnded(err)
			c.leave() // not deferred: a defer's frame is what tips it to 4 KiB
			return
		}
		c.alive()
		c.receive(typ, data)
	}
}

// alive pushes the read deadline to PingPeriod+PongWait from now.
func (c *client) alive() {
	c.conn.SetReadDeadline(time.Now().Add(c.s.cfg.PingPeriod + c.s.cfg.PongWait))
}

func (c *client) pong(string) error { c.alive(); return nil }

// readEnded logs how a connection ended, unless it ended normally.
func (c *client) readEnded(err error) {
	if !websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived) &&
		!errors.Is(err, websocket.ErrReadLimit) {
		c.s.log.Debug("read ended", "client", c.member.ID, "err", err)
	}
}

// receive handles one message and answers the sender alone when it was
// wrong: an error event, a notice that never evicts.
func (c *client) receive(typ int, data []byte) {
	if problem, key := c.handle(typ, data); problem != "" {
		e := errorEvent(problem)
		e.Key = key // which message was not sent, so the page can offer it again
		c.s.room.Tell(c.member, prepare(e))
	}
}

// handle acts on one message from the client and says what was wrong
// with it, if anything. Bad input costs the sender an error event; the
// room goes on.
func (c *client) handle(typ int, data []byte) (problem, key string) {
	if typ != websocket.TextMessage {
		return `send text frames holding JSON like {"body":"hi"}`, ""
	}
	var in struct {
		Body *string `json:"body"`
		Key  string  `json:"key"`
	}
	if err := json.Unmarshal(data, &in); err != nil {
		return `not JSON: send {"body":"hi"}`, ""
	}
	if len(in.Key) > maxKey {
		return "key longer than " + itoa(maxKey) + " bytes", ""
	}
	if in.Body == nil {
		return `missing "body": send {"body":"hi"}`, in.Key
	}
	body := cleanBody(*in.Body)
	switch {
	case body == "":
		return "empty message not sent", in.Key
	case len(body) > c.s.cfg.MaxBody:
		return "message too long: " + itoa(len(body)) + " bytes, at most " + itoa(c.s.cfg.MaxBody), in.Key
	}
	if in.Key == "" {
		in.Key = NewEpoch() // the server's own retries are safe all the same
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.s.cfg.WriteWait)
	defer cancel()
	err := c.s.post(ctx, Event{Type: TypeMessage, ClientID: c.member.ID, Username: c.member.Name,
		Body: body, Time: now(), Key: in.Key})
	if err != nil {
		return "not sent: " + err.Error(), in.Key
	}
	return "", ""
}

// maxKey bounds a message's key, which a store keeps for a while.
const maxKey = 64

// writePump is the connection's only writer: the history first, then chat
// messages and notices as the room hands them over, and the close frame
// when the client is evicted or the server stops. Every write has a
// deadline, so a peer that stops reading costs at most WriteWait before it
// is dropped. It is gorilla's writePump with one change: instead of
// waiting for the next message it returns when there is none, and the
// room starts it again (see writer.go, "a writer only while there is
// something to write").
func (c *client) writePump() {
	if c.replay != nil {
		for _, o := range c.replay {
			c.conn.SetWriteDeadline(time.Now().Add(c.s.cfg.WriteWait))
			if c.conn.WritePreparedMessage(o.msg) != nil {
				c.end()
				return
			}
		}
		c.replay = nil
	}
	for {
		var err error
		select {
		case <-c.s.quit:
			c.flush()
			c.goodbye(websocket.CloseGoingAway, "server shutting down")
			c.end()
			return // keeping the writing flag: no writer ever again
		case <-c.member.Gone():
			if c.member.Evicted() {
				// RFC 6455 §7.4.1: 1008, the client broke the room's
				// policy. It may reconnect with ?since= and miss nothing.
				c.goodbye(websocket.ClosePolicyViolation, "too slow: send queue full")
			}
			c.end() // else the peer left: nobody to write to
			return
		case o := <-c.member.Messages():
			err = c.write(o)
		case <-c.member.Noticed():
			for _, o := range c.s.room.Notices(c.member) {
				if err = c.write(o); err != nil {
					break
				}
			}
		default:
			if c.idle() {
				return // nothing to write: the next wake starts a writer
			}
			continue
		}
		if err != nil {
			c.end()
			return
		}
	}
}

// write sends one event, unless it is a message the replay already
// carried (posted between joining and reading the history).
func (c *client) write(o *outgoing) error {
	if o.id != 0 && o.id <= c.after {
		return nil
	}
	c.conn.SetWriteDeadline(time.Now().Add(c.s.cfg.WriteWait))
	return c.conn.WritePreparedMessage(o.msg)
}

// flush writes what is already queued, so no one misses the last words
// before a shutdown; all of it within closeGrace.
func (c *client) flush() {
	deadline := time.Now().Add(closeGrace)
	for {
		select {
		case o := <-c.member.Messages():
			if o.id != 0 && o.id <= c.after {
				continue
			}
			c.conn.SetWriteDeadline(deadline)
			if c.conn.WritePreparedMessage(o.msg) != nil {
				return
			}
		default:
			return
		}
	}
}

// goodbye starts the closing handshake (RFC 6455 §7.1.2): a close frame
// with code, then a moment for readPump to see the peer's answer, after
// which the server closes TCP (§7.1.1).
func (c *client) goodbye(code int, reason string) {
	deadline := time.Now().Add(closeGrace)
	msg := websocket.FormatCloseMessage(code, reason)
	if c.conn.WriteControl(websocket.CloseMessage, msg, deadline) != nil {
		return
	}
	c.conn.SetReadDeadline(deadline) // readPump returns at the latest then
	select {
	case <-c.readDone: // it saw the peer's answer
	case <-time.After(closeGrace):
	}
}

// closeGrace bounds the closing handshake, so shutdown ends within a second.
const closeGrace = 500 * time.Millisecond

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

func errorEvent(body string) Event {
	return Event{Type: TypeError, Body: body, Time: now()}
}

// now is the time stamped on events: UTC, to the millisecond.
func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }
