package compare

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"example.com/wswalk/01-polling/poll"
)

// The WebSocket side's limits and timers.
const (
	// sendQueue is how many messages a client may fall behind before it is
	// dropped: a slow or dead client must never stall the others, nor make
	// the server keep an unbounded queue for it.
	sendQueue = 256
	// writeWait bounds one write; a peer that does not read for that long
	// is treated as gone.
	writeWait = 10 * time.Second
	// pingEvery keeps idle connections alive through proxies and finds
	// dead peers (RFC 6455, section 5.5.2); pongWait is how long we wait
	// for any sign of life before giving up.
	pingEvery = 30 * time.Second
	pongWait  = 70 * time.Second
	// closeWait is how long we wait for the peer's answer to our close
	// frame (RFC 6455, section 7.1.1) before dropping the TCP connection.
	closeWait = 2 * time.Second
)

// hub is the WebSocket technique: it owns publishing into the shared log so
// that a joiner's backlog and the live frames meet without a gap or a
// duplicate (both happen under mu), and fans each message out to every
// connected client as one prepared text frame.
type hub struct {
	store   poll.Store
	upgrade websocket.Upgrader

	mu      sync.Mutex
	clients map[*wsClient]struct{}
	quit    chan struct{} // closed by close: every client says 1001
	closed  bool

	conns sync.WaitGroup
}

type wsClient struct {
	conn    *websocket.Conn
	backlog []poll.Message
	send    chan *websocket.PreparedMessage
	dropped chan struct{} // closed when the hub lets go of the client
	goodbye int           // the close code to send then; 0: the peer is gone already
	once    sync.Once
}

func newHub(store poll.Store, allowed func(string, *http.Request) bool) *hub {
	h := &hub{
		store:   store,
		clients: map[*wsClient]struct{}{},
		quit:    make(chan struct{}),
	}
	h.upgrade = websocket.Upgrader{
		ReadBufferSize:  512, // clients send nothing but control frames
		WriteBufferSize: 1024,
		// Buffers are lent to a connection only while it writes, so an
		// idle connection holds none.
		WriteBufferPool: &sync.Pool{},
		CheckOrigin: func(r *http.Request) bool {
			return allowed(r.Header.Get("Origin"), r)
		},
	}
	return h
}

// publish appends to the log and queues the stored message for every
// client. Encoding and framing happen once, whatever the number of clients.
func (h *hub) publish(username, body string) (poll.Message, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return poll.Message{}, errClosed
	}
	m, err := h.store.Append(username, body)
	if err != nil {
		return m, err
	}
	data, err := json.Marshal(m)
	if err != nil {
		return m, err
	}
	frame, err := websocket.NewPreparedMessage(websocket.TextMessage, data)
	if err != nil {
		return m, err
	}
	for c := range h.clients {
		select {
		case c.send <- frame:
		default:
			h.dropLocked(c, websocket.CloseTryAgainLater)
		}
	}
	return m, nil
}

// dropLocked forgets a client: one whose connection ended (goodbye 0), or
// one that fell sendQueue messages behind, whose writer then closes the
// connection with 1013 (try again later). h.mu must be held.
func (h *hub) dropLocked(c *wsClient, goodbye int) {
	delete(h.clients, c)
	c.once.Do(func() {
		c.goodbye = goodbye
		close(c.dropped)
	})
}

// ServeHTTP upgrades GET /ws. ?since=ID first replays the kept messages
// after ID, so a client that read the last ID elsewhere misses nothing.
func (h *hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/ws" {
		poll.WriteError(w, http.StatusNotFound, "no such path: "+r.URL.Path+"; the WebSocket is at /ws")
		return
	}
	withBacklog := r.URL.Query().Has("since")
	since, err := poll.ParseSince(r)
	if err != nil {
		poll.WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	conn, err := h.upgrade.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered with the right status
	}
	c := &wsClient{
		conn:    conn,
		send:    make(chan *websocket.PreparedMessage, sendQueue),
		dropped: make(chan struct{}),
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		_ = conn.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseGoingAway, "server shutting down"), time.Now().Add(writeWait))
		_ = conn.Close()
		return
	}
	if withBacklog {
		c.backlog = h.store.Since(since)
	}
	h.clients[c] = struct{}{}
	h.conns.Add(1)
	h.mu.Unlock()
	defer h.conns.Done()

	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		h.write(c)
	}()
	h.read(c)
	h.mu.Lock()
	h.dropLocked(c, 0)
	h.mu.Unlock()
	<-writerDone
	_ = conn.Close()
}

// read runs until the connection ends. Clients have nothing to say here
// (the shared send box posts over HTTP), but reading is what answers pings
// and the peer's close frame, and what notices a peer that went away.
func (h *hub) read(c *wsClient) {
	c.conn.SetReadLimit(512)
	_ = c.conn.SetReadDeadline(time.Now().Add(pongWait))
	c.conn.SetPongHandler(func(string) error {
		return c.conn.SetReadDeadline(time.Now().Add(pongWait))
	})
	for {
		if _, _, err := c.conn.NextReader(); err != nil {
			return
		}
	}
}

// write sends the backlog, then every queued frame, a ping now and then,
// and the close frame when the client is dropped or the server stops.
func (h *hub) write(c *wsClient) {
	ping := time.NewTicker(pingEvery)
	defer ping.Stop()
	for _, m := range c.backlog {
		_ = c.conn.SetWriteDeadline(time.Now().Add(writeWait))
		data, err := json.Marshal(m)
		if err == nil {
			err = c.conn.WriteMessage(websocket.TextMessage, data)
		}
		if err != nil {
			_ = c.conn.Close()
			return
		}
	}
	c.backlog = nil
	for {
		var err error
		select {
		case frame := <-c.send:
			_ = c.conn.SetWriteDeadline(time.Now().Add(writeWait))
			err = c.conn.WritePreparedMessage(frame)
		case <-ping.C:
			err = c.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait))
		case <-h.quit:
			h.closeConn(c, websocket.CloseGoingAway, "server shutting down")
			return
		case <-c.dropped:
			// c.goodbye was set before dropped was closed, and the close
			// is what makes this read safe.
			if c.goodbye != 0 {
				h.closeConn(c, c.goodbye, "too slow: fell 256 messages behind")
			}
			return
		}
		if err != nil {
			_ = c.conn.Close() // unblocks read
			return
		}
	}
}

// closeConn starts the closing handshake (RFC 6455, section 7.1.2): send a
// close frame, then give the reader closeWait to see the peer's answer.
func (h *hub) closeConn(c *wsClient, code int, reason string) {
	msg := websocket.FormatCloseMessage(code, reason)
	if err := c.conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(writeWait)); err != nil {
		_ = c.conn.Close()
		return
	}
	_ = c.conn.SetReadDeadline(time.Now().Add(closeWait))
}

// close makes every client say goodbye with 1001 and refuses new ones.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.quit)
	}
}

// wait returns when every WebSocket connection has ended.
func (h *hub) wait() { h.conns.Wait() }

// count is the number of connected WebSocket clients.
func (h *hub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}
