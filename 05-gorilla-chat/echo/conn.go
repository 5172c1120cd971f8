package echo

import (
	"errors"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"example.com/wswalk/04-framing/frame"
)

// conn is one echo connection. Its goroutine (serve) is the only reader
// and the only writer of data frames; the pinger and Shutdown write only
// with WriteControl, which gorilla allows beside them.
type conn struct {
	ws  *websocket.Conn
	cfg Config

	mu  sync.Mutex
	bye bool // Shutdown sent 1001: the read deadline no longer moves
}

// keepBuffer is the largest message buffer a connection keeps between
// messages: one large message must not pin its size for good.
const keepBuffer = 64 << 10

// serve echoes until the peer closes, the connection fails, or a text
// message is not UTF-8, then ends the connection.
func (c *conn) serve() {
	c.ws.SetReadLimit(c.cfg.MaxMessage)
	c.alive()
	c.ws.SetPongHandler(func(string) error { c.alive(); return nil })
	stop := make(chan struct{})
	pinger := make(chan struct{})
	go func() { defer close(pinger); c.ping(stop) }()

	code, reason := c.echo()

	close(stop)
	<-pinger
	if code != 0 {
		msg := websocket.FormatCloseMessage(code, reason)
		c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(c.cfg.WriteWait))
	}
	c.hangUp()
}

// echo reads each message whole and writes it back. It returns the close
// frame the application still owes the peer, if any: gorilla answers a
// close and fails protocol errors itself, but not invalid text.
func (c *conn) echo() (code int, reason string) {
	var buf []byte
	for {
		typ, r, err := c.ws.NextReader()
		if err != nil {
			return readFailure(err)
		}
		var valid bool
		buf, valid, err = readMessage(r, typ == websocket.TextMessage, buf[:0])
		if err != nil {
			return readFailure(err)
		}
		if !valid {
			// §8.1: "MUST _Fail the WebSocket Connection_"; §7.4.1: 1007.
			return websocket.CloseInvalidFramePayloadData, "text is not UTF-8"
		}
		c.alive()
		c.ws.SetWriteDeadline(time.Now().Add(c.cfg.WriteWait))
		if err := c.ws.WriteMessage(typ, buf); err != nil {
			return 0, "" // gone, or Shutdown's 1001 is out (ErrCloseSent)
		}
		if cap(buf) > keepBuffer {
			buf = nil
		}
	}
}

// readFailure says which close frame a read error still calls for.
// gorilla has sent one already for a protocol error (1002) and for a
// message over the limit (1009), and answered a peer's close; but a
// 64-bit length with its top bit set (§5.2: it "MUST be 0") comes back
// as ErrReadLimit with no close frame sent. Sending 1009 for every
// ErrReadLimit covers it: when gorilla's close is out, WriteControl
// returns ErrCloseSent and sends nothing, so no second close follows.
func readFailure(err error) (code int, reason string) {
	if errors.Is(err, websocket.ErrReadLimit) {
		return websocket.CloseMessageTooBig, "message too big"
	}
	return 0, ""
}

// readChunk is how much room a message buffer gains at a time.
const readChunk = 4 << 10

// readMessage appends the message r holds to buf, reading it in chunks.
// Text is checked chunk by chunk as it arrives, not once it is whole: a
// read returns what is there so far, even inside a frame, so text that
// cannot become UTF-8 stops the reading at once (valid false) and the
// rest of the message is never waited for (§8.1, Autobahn 6.4). The read
// limit bounds buf: gorilla fails a message past it before its payload
// is read (§10.4).
func readMessage(r io.Reader, text bool, buf []byte) (out []byte, valid bool, err error) {
	var v frame.UTF8 // chapter 04's incremental check
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, readChunk)
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		if text && !v.Write(buf[len(buf):len(buf)+n]) {
			return buf, false, nil
		}
		buf = buf[:len(buf)+n]
		switch {
		case err == io.EOF:
			// A character still incomplete at the end is invalid.
			return buf, !text || v.Complete(), nil
		case err != nil:
			return buf, true, err
		}
	}
}

// alive pushes the read deadline past the next ping and its pong: any
// message or pong shows the peer is there. After Shutdown's 1001 it no
// longer moves, so a peer that never answers the close is cut in time.
func (c *conn) alive() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.bye {
		c.ws.SetReadDeadline(time.Now().Add(c.cfg.PingPeriod + c.cfg.PongWait))
	}
}

// ping pings every PingPeriod until stop (§5.5.2: a ping may serve as a
// keepalive). WriteControl is the one write gorilla allows beside the
// echo loop's.
func (c *conn) ping(stop <-chan struct{}) {
	t := time.NewTicker(c.cfg.PingPeriod)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.cfg.WriteWait)) != nil {
				return
			}
		}
	}
}

// goAway starts the closing handshake from our side with 1001 (§7.1.2,
// §7.4.1: "going away, such as a server going down") and gives the peer
// closeWait to answer it. The echo loop then reads the peer's close (or
// times out) and hangs up.
func (c *conn) goAway() {
	c.mu.Lock()
	c.bye = true
	c.mu.Unlock()
	msg := websocket.FormatCloseMessage(websocket.CloseGoingAway, "server shutting down")
	c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(c.cfg.WriteWait))
	c.ws.SetReadDeadline(time.Now().Add(closeWait))
}

// hangUp closes the TCP connection once the close frame is out: §7.1.1
// has the server close it first. It half-closes first (FIN) and reads
// what is still coming until the peer closes too or closeWait passes:
// closing a socket that has unread input makes the kernel reset the
// connection, and a reset can destroy our close frame before the peer
// has read it.
func (c *conn) hangUp() {
	nc := c.ws.NetConn()
	if hc, ok := nc.(interface{ CloseWrite() error }); ok && hc.CloseWrite() == nil {
		nc.SetReadDeadline(time.Now().Add(closeWait))
		io.Copy(io.Discard, nc)
	}
	c.ws.Close()
}
