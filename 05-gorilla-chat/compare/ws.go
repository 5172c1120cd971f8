package compare

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/04-framing/room"
	"example.com/wswalk/05-gorilla-chat/chat"
)

// The WebSocket side's limits and timers: the chat room's (package chat).
const (
	// sendQueue is how many messages a client may fall behind before it is
	// dropped: a slow or dead client must never stall the others, nor make
	// the server keep an unbounded queue for it. Larger than the chat's,
	// as the demo's load runs send bursts on purpose.
	sendQueue = 256
	// writeWait bounds one write; a peer that does not read for that long
	// is treated as gone.
	writeWait = chat.DefaultWriteWait
	// pingEvery keeps idle connections alive through proxies and finds
	// dead peers (RFC 6455, section 5.5.2); pongWait is how long past a
	// ping we wait for any sign of life before giving up.
	pingEvery = chat.DefaultPingPeriod
	pongWait  = chat.DefaultPingPeriod + chat.DefaultPongWait
	// closeWait is how long we wait for the peer's answer to our close
	// frame (RFC 6455, section 7.1.1) before dropping the TCP connection.
	closeWait = 2 * time.Second
)

// hub is the WebSocket technique, on the course's one room (package room,
// chapter 04): a bounded queue per client, a slow one evicted. It owns
// publishing into the shared log so that a joiner's backlog and the live
// frames meet without a gap or a duplicate (both happen under mu), and
// fans each message out to every client as one prepared text frame.
type hub struct {
	store   poll.Store
	upgrade websocket.Upgrader
	room    room.Room[*websocket.PreparedMessage]
	ids     atomic.Uint64

	mu     sync.Mutex
	quit   chan struct{} // closed by close: every client says 1001
	closed bool

	conns sync.WaitGroup
}

func newHub(store poll.Store, allowed func(string, *http.Request) bool) *hub {
	h := &hub{store: store, quit: make(chan struct{})}
	h.room.Queue = sendQueue // no Presence: this page shows no members
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
	h.room.Send(frame) // a client sendQueue behind is evicted: 1013
	return m, nil
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
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		_ = conn.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseGoingAway, "server shutting down"), time.Now().Add(writeWait))
		_ = conn.Close()
		return
	}
	var backlog []poll.Message
	if withBacklog {
		backlog = h.store.Since(since)
	}
	m := h.room.Join(strconv.FormatUint(h.ids.Add(1), 10), "", nil)
	h.conns.Add(1)
	h.mu.Unlock()
	defer h.conns.Done()

	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		h.write(conn, m, backlog)
	}()
	read(conn)
	h.room.Leave(m)
	<-writerDone
	_ = conn.Close()
}

// read runs until the connection ends. Clients have nothing to say here
// (the shared send box posts over HTTP), but reading is what answers pings
// and the peer's close frame, and what notices a peer that went away.
func read(conn *websocket.Conn) {
	conn.SetReadLimit(512)
	_ = conn.SetReadDeadline(time.Now().Add(pongWait))
	conn.SetPongHandler(func(string) error {
		return conn.SetReadDeadline(time.Now().Add(pongWait))
	})
	for {
		if _, _, err := conn.NextReader(); err != nil {
			return
		}
	}
}

// write sends the backlog, then every queued frame, a ping now and then,
// and the close frame when the client is evicted or the server stops.
func (h *hub) write(conn *websocket.Conn, m *room.Member[*websocket.PreparedMessage], backlog []poll.Message) {
	ping := time.NewTicker(pingEvery)
	defer ping.Stop()
	for _, msg := range backlog {
		_ = conn.SetWriteDeadline(time.Now().Add(writeWait))
		data, err := json.Marshal(msg)
		if err == nil {
			err = conn.WriteMessage(websocket.TextMessage, data)
		}
		if err != nil {
			_ = conn.Close()
			return
		}
	}
	for {
		var err error
		select {
		case frame := <-m.Messages():
			_ = conn.SetWriteDeadline(time.Now().Add(writeWait))
			err = conn.WritePreparedMessage(frame)
		case <-ping.C:
			err = conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait))
		case <-h.quit:
			closeConn(conn, websocket.CloseGoingAway, "server shutting down")
			return
		case <-m.Gone():
			if m.Evicted() {
				closeConn(conn, websocket.CloseTryAgainLater, "too slow: fell "+strconv.Itoa(sendQueue)+" messages behind")
			}
			return
		}
		if err != nil {
			_ = conn.Close() // unblocks read
			return
		}
	}
}

// closeConn starts the closing handshake (RFC 6455, section 7.1.2): send a
// close frame, then give the reader closeWait to see the peer's answer.
func closeConn(conn *websocket.Conn, code int, reason string) {
	msg := websocket.FormatCloseMessage(code, reason)
	if err := conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(writeWait)); err != nil {
		_ = conn.Close()
		return
	}
	_ = conn.SetReadDeadline(time.Now().Add(closeWait))
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
func (h *hub) count() int { return h.room.Len() }
