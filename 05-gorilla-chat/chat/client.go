package chat

import (
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// client is one browser tab in the room: one WebSocket, one goroutine that
// reads it for as long as it lives, and one that writes only while there
// is something to write. gorilla supports one concurrent reader and one
// concurrent writer per connection: two goroutines writing at once
// interleave their bytes into corrupt frames, and gorilla panics
// ("concurrent write to websocket connection") when it notices. So the hub
// never writes: it queues, and wakes a writer (see wake). Whoever holds
// the writing flag is the one writer; an idle connection has none, and no
// stack to pay for.
type client struct {
	s    *Server
	conn *websocket.Conn
	id   string // globally unique: "<server>-<n>"
	name string

	send    chan *outgoing // bounded: Config.SendQueue
	writing atomic.Bool    // held by the one writer; see wake
	replay  []*outgoing    // the history, written before anything queued
	after   uint64         // highest replayed ID: queued messages up to it are dupes
	ping    *time.Timer    // fires every PingPeriod; see pinger

	stopOnce sync.Once
	stop     chan struct{} // closed by close(): the next writer finishes
	code     int           // close code the writer sends; 0 for none
	reason   string
	readDone chan struct{} // closed when readPump returns
	done     chan struct{} // closed when the last writer has closed the connection
}

// close asks for the end: with code 0 the writer just closes the
// connection (the peer has gone or already got its close frame);
// otherwise it sends a close frame with code, after flushing the queue
// when the code is 1001 (shutdown). It never blocks, so the hub may call
// it while holding its lock.
func (c *client) close(code int, reason string) {
	c.stopOnce.Do(func() {
		c.code, c.reason = code, reason
		close(c.stop)
	})
	c.wake()
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

// wake makes sure a writer will see what was just queued (or that close
// was called): it starts one unless one is running. The flag, not the
// queue, says who may write, so two writers never run at once.
func (c *client) wake() {
	if c.writing.CompareAndSwap(false, true) {
		go c.writer()
	}
}

// writer holds the writing flag: it writes the history (the first writer
// only), then every queued event, and returns when the queue is empty. A
// peer that stops reading costs at most WriteWait per write before it is
// dropped, since each write has a deadline.
func (c *client) writer() {
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
		select {
		case <-c.stop:
			c.finish()
			c.end()
			return // keeping the flag: no writer ever again
		case <-c.readDone:
			c.end()
			return // the peer closed or vanished: nobody to write to
		case o := <-c.send:
			if c.write(o) != nil {
				c.end()
				return
			}
			continue
		default:
		}
		// The queue is empty: let go of the flag, then look again. Between
		// our last look and the Store, hub.enqueue may have queued an event
		// and found the flag still set, so it started no writer: that
		// event would wait, unwritten, until the next one came (a lost
		// wake-up). Looking after the Store closes the gap: whatever was
		// queued before it, we see now; whatever is queued after it, its
		// enqueue sees the flag clear and starts a writer. If both see
		// work, the CompareAndSwap lets only one of us go on.
		c.writing.Store(false)
		if !c.pending() || !c.writing.CompareAndSwap(false, true) {
			return
		}
	}
}

// pending says whether a writer has anything to do.
func (c *client) pending() bool {
	select {
	case <-c.stop:
		return true
	default:
		return len(c.send) > 0
	}
}

// pinger sends a ping every PingPeriod from the timer's own goroutine,
// beside whichever writer is running: gorilla documents that "the Close
// and WriteControl methods can be called concurrently with all other
// methods" (package doc, Concurrency), and a ping is a control frame. The
// pong (or any message) pushes readPump's deadline on; a ping that cannot
// be written within WriteWait means a peer that is not reading, and the
// connection is closed.
func (c *client) pinger() {
	err := c.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.s.cfg.WriteWait))
	switch {
	case err == nil:
		c.ping.Reset(c.s.cfg.PingPeriod)
	case !errors.Is(err, websocket.ErrCloseSent):
		c.conn.Close() // readPump ends, and with it the client
	}
}

// end closes the connection for good; the writer that calls it keeps the
// writing flag, so none starts after it.
func (c *client) end() {
	c.ping.Stop()
	c.conn.Close()
	close(c.done)
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
