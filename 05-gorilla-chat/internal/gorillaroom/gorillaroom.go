// Package gorillaroom is the reference the chapter measures itself against:
// a room in the shape of gorilla/websocket's own examples/chat, written
// afresh. One hub goroutine owns the set of clients and receives register,
// unregister and broadcast on channels; each connection has a readPump and
// a writePump (which also pings); a client whose queue of 256 is full is
// closed. No presence, no history, no names, no limits beyond gorilla's:
// what a room costs when it does only fan-out, so that chapter 05's room
// can be compared with it under the same load (05-gorilla-chat's
// crowd_bench_test.go).
package gorillaroom

import (
	"encoding/json"
	"net/http"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// The timings of gorilla's example.
const (
	writeWait      = 10 * time.Second
	pongWait       = 60 * time.Second
	pingPeriod     = pongWait * 9 / 10 // a ping well before the pong is due
	maxMessageSize = 4096
	sendQueue      = 256
)

// Room is the reference room as an http.Handler: the room at /ws, and
// {"goroutines":N,"clients":N} at /stats, the shape of chapter 05's /stats,
// so one harness can read both.
type Room struct {
	mux        *http.ServeMux
	upgrader   websocket.Upgrader
	register   chan *client
	unregister chan *client
	broadcast  chan []byte
	quit       chan struct{}
	stopped    chan struct{}
	clients    atomic.Int64 // as the hub counts them, for /stats
}

// client is one connection: the hub queues on send, writePump alone writes.
type client struct {
	room *Room
	conn *websocket.Conn
	send chan []byte
	slow bool // set by the hub before it closes send for a full queue
}

// New starts the hub; Close stops it.
func New() *Room {
	r := &Room{
		mux: http.NewServeMux(),
		// gorilla's example: 1 KiB each, held for the connection's life.
		upgrader:   websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 1024},
		register:   make(chan *client),
		unregister: make(chan *client),
		broadcast:  make(chan []byte),
		quit:       make(chan struct{}),
		stopped:    make(chan struct{}),
	}
	r.mux.HandleFunc("/ws", r.serveWS)
	r.mux.HandleFunc("/stats", r.serveStats)
	go r.run()
	return r
}

func (r *Room) ServeHTTP(w http.ResponseWriter, req *http.Request) { r.mux.ServeHTTP(w, req) }

// Close stops the hub and closes every connection it holds; call it once.
// gorilla's example never stops; tests that start a Room in-process need to.
func (r *Room) Close() {
	close(r.quit)
	<-r.stopped
}

// run is the hub: the only goroutine that touches the set of clients, so
// the set needs no lock. A broadcast is queued for every client without
// waiting; one whose queue is full cannot keep up and is dropped, and
// closing its send channel tells its writePump to say goodbye.
func (r *Room) run() {
	defer close(r.stopped)
	clients := make(map[*client]bool)
	drop := func(c *client, slow bool) {
		c.slow = slow // seen by writePump: closing send happens before its receive
		delete(clients, c)
		close(c.send)
		r.clients.Store(int64(len(clients)))
	}
	for {
		select {
		case c := <-r.register:
			clients[c] = true
			r.clients.Store(int64(len(clients)))
		case c := <-r.unregister:
			if clients[c] {
				drop(c, false)
			}
		case msg := <-r.broadcast:
			for c := range clients {
				select {
				case c.send <- msg:
				default:
					drop(c, true)
				}
			}
		case <-r.quit:
			for c := range clients {
				c.conn.Close() // both pumps end; their unregister is not awaited
			}
			return
		}
	}
}

// serveWS upgrades, registers, and leaves the connection to its two pumps,
// so that the handler's request and stack can be collected.
func (r *Room) serveWS(w http.ResponseWriter, req *http.Request) {
	conn, err := r.upgrader.Upgrade(w, req, nil)
	if err != nil {
		return // the upgrader has answered
	}
	c := &client{room: r, conn: conn, send: make(chan []byte, sendQueue)}
	select {
	case r.register <- c:
	case <-r.quit:
		conn.Close()
		return
	}
	go c.writePump()
	go c.readPump()
}

func (r *Room) serveStats(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(struct {
		Goroutines int   `json:"goroutines"`
		Clients    int64 `json:"clients"`
	}{runtime.NumGoroutine(), r.clients.Load()})
}

// readPump is the connection's only reader: every message goes to the hub
// as it is. The read deadline is the keepalive, pushed on by every pong.
func (c *client) readPump() {
	defer func() {
		select {
		case c.room.unregister <- c:
		case <-c.room.quit:
		}
		c.conn.Close()
	}()
	c.conn.SetReadLimit(maxMessageSize)
	c.conn.SetReadDeadline(time.Now().Add(pongWait))
	c.conn.SetPongHandler(func(string) error { c.conn.SetReadDeadline(time.Now().Add(pongWait)); return nil })
	for {
		_, msg, err := c.conn.ReadMessage()
		if err != nil {
			return
		}
		select {
		case c.room.broadcast <- msg:
		case <-c.room.quit:
			return
		}
	}
}

// writePump is the connection's only writer of data frames, and sends the
// pings too, so that no two goroutines ever write at once. Unlike gorilla's
// example it writes one message per frame (the example joins what is
// queued with newlines) so that clients of both rooms read the same
// frames.
func (c *client) writePump() {
	ticker := time.NewTicker(pingPeriod)
	defer func() {
		ticker.Stop()
		c.conn.Close()
	}()
	for {
		select {
		case msg, ok := <-c.send:
			c.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if !ok {
				// The hub let go of us. gorilla's example sends an empty
				// close frame; for a slow client, chapter 05's code and
				// reason say why, so both rooms' evictions read the same.
				msg := []byte{}
				if c.slow {
					msg = websocket.FormatCloseMessage(websocket.ClosePolicyViolation, "too slow: send queue full")
				}
				c.conn.WriteMessage(websocket.CloseMessage, msg)
				return
			}
			if err := c.conn.WriteMessage(websocket.TextMessage, msg); err != nil {
				return
			}
		case <-ticker.C:
			c.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.conn.WriteMessage(websocket.PingMessage, nil); err != nil {
				return
			}
		case <-c.room.quit:
			return
		}
	}
}
