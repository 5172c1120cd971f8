package chat

import (
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// client is one browser tab in the room: one WebSocket and two goroutines.
// readPump only reads; writePump is the only one that writes. gorilla
// supports one concurrent reader and one concurrent writer per connection:
// two goroutines writing at once interleave their bytes into corrupt
// frames, and gorilla panics ("concurrent write to websocket connection")
// when it notices. So the hub never writes: it queues.
type client struct {
	s    *Server
	conn *websocket.Conn
	id   string // globally unique: "<server>-<n>"
	name string

	send   chan *outgoing // bounded: Config.SendQueue
	replay []*outgoing    // the history, written before anything queued
	after  uint64         // highest replayed ID: queued messages up to it are dupes

	stopOnce sync.Once
	stop     chan struct{} // closed by close(): the writer ends
	code     int           // close code the writer sends; 0 for none
	reason   string
	readDone chan struct{} // closed when readPump returns
	done     chan struct{} // closed when writePump returns
}

// close asks the writer to finish: with code 0 it just stops (the peer has
// gone or already got its close frame); otherwise it sends a close frame
// with code, after flushing the queue when the code is 1001 (shutdown).
// It never blocks, so the hub may call it while holding its lock.
func (c *client) close(code int, reason string) {
	c.stopOnce.Do(func() {
		c.code, c.reason = code, reason
		close(c.stop)
	})
}

// readPump reads the client's messages until the connection ends. The read
// deadline is the keepalive: every pong and every message pushes it to
// PingPeriod+PongWait from now, so a peer that stops answering pings (a
// laptop lid closed, a cable pulled) is dropped within that time.
func (c *client) readPump() {
	defer close(c.readDone)
	cfg := &c.s.cfg
	alive := func() {
		c.conn.SetReadDeadline(time.Now().Add(cfg.PingPeriod + cfg.PongWait))
	}
	alive()
	c.conn.SetPongHandler(func(string) error { alive(); return nil })
	for {
		// Over MaxMessage, gorilla answers close 1009 itself and returns
		// ErrReadLimit (it may: WriteControl is the one write method safe
		// to call alongside another writer).
		typ, data, err := c.conn.ReadMessage()
		if err != nil {
			if !websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived) &&
				!errors.Is(err, websocket.ErrReadLimit) {
				c.s.log.Debug("read ended", "client", c.id, "err", err)
			}
			return
		}
		alive()
		if problem := c.handle(typ, data); problem != "" {
			c.s.hub.sendTo(c, errorEvent(problem))
		}
	}
}

// handle acts on one message from the client and says what was wrong
// with it, if anything. Bad input costs the sender an error event; the
// room goes on.
func (c *client) handle(typ int, data []byte) string {
	if typ != websocket.TextMessage {
		return `send text frames holding JSON like {"body":"hi"}`
	}
	var in struct {
		Body *string `json:"body"`
	}
	if err := json.Unmarshal(data, &in); err != nil {
		return `not JSON: send {"body":"hi"}`
	}
	if in.Body == nil {
		return `missing "body": send {"body":"hi"}`
	}
	body := cleanBody(*in.Body)
	switch {
	case body == "":
		return "empty message not sent"
	case len(body) > c.s.cfg.MaxBody:
		return "message too long: " + itoa(len(body)) + " bytes, at most " + itoa(c.s.cfg.MaxBody)
	}
	err := c.s.post(Event{Type: TypeMessage, ClientID: c.id, Username: c.name, Body: body, Time: now()})
	if err != nil {
		return "not sent: " + err.Error()
	}
	return ""
}

// writePump writes the history, then every queued event, and pings when
// the connection is quiet. Each write has a deadline, so a peer that stops
// reading costs at most WriteWait before it is dropped.
func (c *client) writePump() {
	defer close(c.done)
	defer c.conn.Close()
	cfg := &c.s.cfg
	ping := time.NewTicker(cfg.PingPeriod)
	defer ping.Stop()

	for _, o := range c.replay {
		c.conn.SetWriteDeadline(time.Now().Add(cfg.WriteWait))
		if c.conn.WritePreparedMessage(o.msg) != nil {
			return
		}
	}
	c.replay = nil
	for {
		select {
		case o := <-c.send:
			if c.write(o) != nil {
				return
			}
		case <-ping.C:
			c.conn.SetWriteDeadline(time.Now().Add(cfg.WriteWait))
			if c.conn.WriteMessage(websocket.PingMessage, nil) != nil {
				return
			}
		case <-c.readDone:
			return // the peer closed or vanished: nobody to write to
		case <-c.stop:
			c.finish()
			return
		}
	}
}

// write sends one queued event, unless it is a message the replay
// already carried (posted between registering and reading the history).
func (c *client) write(o *outgoing) error {
	if o.id != 0 && o.id <= c.after {
		return nil
	}
	c.conn.SetWriteDeadline(time.Now().Add(c.s.cfg.WriteWait))
	return c.conn.WritePreparedMessage(o.msg)
}

// finish sends the close frame asked for by close(). On shutdown (1001)
// everything already queued goes first, so no one misses the last words.
// Then it waits a moment for the peer's close frame (RFC 6455 section
// 7.1.1: the server closes TCP after the closing handshake).
func (c *client) finish() {
	if c.code == 0 {
		return
	}
	if c.code == websocket.CloseGoingAway {
	flush:
		for {
			select {
			case o := <-c.send:
				if c.write(o) != nil {
					return
				}
			default:
				break flush
			}
		}
	}
	deadline := time.Now().Add(min(c.s.cfg.WriteWait, closeGrace))
	msg := websocket.FormatCloseMessage(c.code, c.reason)
	if c.conn.WriteControl(websocket.CloseMessage, msg, deadline) != nil {
		return
	}
	select {
	case <-c.readDone:
	case <-time.After(time.Until(deadline)):
	}
}

// closeGrace bounds the closing handshake, so shutdown ends within a second.
const closeGrace = 500 * time.Millisecond

func errorEvent(body string) Event {
	return Event{Type: TypeError, Body: body, Time: now()}
}

// now is the time stamped on events: UTC, to the millisecond.
func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }
