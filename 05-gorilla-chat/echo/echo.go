// Package echo is chapter 05's /echo on gorilla/websocket: every text and
// binary message comes back unchanged, the same contract as chapter 04's
// hand-rolled /echo, so that the two can be compared on identical work
// and checked by the same conformance suite (04-framing/conformance).
//
// gorilla does the framing, masking, fragments, control frames and the
// read limit. It leaves one rule of RFC 6455 to the application: text
// must be UTF-8 (§5.6), and an endpoint that receives text that is not
// "MUST _Fail the WebSocket Connection_" (§8.1) with 1007 (§7.4.1). This
// handler checks text as it reads it, chunk by chunk, so that a message
// whose first bytes are already invalid is failed before the rest of it
// arrives (Autobahn's "fail fast", case 6.4).
//
// With that, it passes the whole suite but for one point where gorilla
// v1.5.3 gives the application no way in: a close frame with a 1-byte
// payload reaches the close handler exactly as an empty one, and is
// answered with an empty close instead of failed with 1002 (§5.5.1).
// The test lists it as the suite's only deviation.
//
//	h := echo.New(echo.Config{})
//	mux.Handle("/echo", h)
//	...
//	h.Shutdown(ctx) // every connection gets 1001, new ones 503
package echo

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Config is everything a Handler can be told; zero fields take the
// defaults below, which are those of chapter 05's chat room.
type Config struct {
	// CheckOrigin decides whether a browser page may open the echo (see
	// websocket.Upgrader.CheckOrigin). Nil means gorilla's default: no
	// Origin header, or one whose host is the request's Host.
	CheckOrigin func(r *http.Request) bool
	// MaxMessage is the read limit per message, in bytes (64 KiB): a
	// larger message fails the connection with 1009 (§7.4.1).
	MaxMessage int64
	// PingPeriod is how often an idle connection is pinged (25s); PongWait
	// how long past that a sign of life may take (10s), so a dead peer is
	// dropped within PingPeriod+PongWait.
	PingPeriod time.Duration
	PongWait   time.Duration
	// WriteWait bounds every write, and the opening handshake (10s).
	WriteWait time.Duration
}

// Defaults, the same as chapter 05's chat.Config.
const (
	DefaultMaxMessage = 64 << 10
	DefaultPingPeriod = 25 * time.Second
	DefaultPongWait   = 10 * time.Second
	DefaultWriteWait  = 10 * time.Second
)

// closeWait is how long a connection waits, after its close frame is
// out, for the peer to close its side of TCP before it is cut (§7.1.1).
const closeWait = 2 * time.Second

// Handler is the echo endpoint: an http.Handler that upgrades every
// request to a WebSocket and echoes on it until the peer closes, the
// connection fails, or Shutdown.
type Handler struct {
	cfg      Config
	upgrader websocket.Upgrader

	mu      sync.Mutex
	closing bool
	conns   map[*conn]struct{}
	serving sync.WaitGroup // ServeHTTP calls past the closing check
}

// New returns a Handler for cfg.
func New(cfg Config) *Handler {
	if cfg.MaxMessage <= 0 {
		cfg.MaxMessage = DefaultMaxMessage
	}
	if cfg.PingPeriod <= 0 {
		cfg.PingPeriod = DefaultPingPeriod
	}
	if cfg.PongWait <= 0 {
		cfg.PongWait = DefaultPongWait
	}
	if cfg.WriteWait <= 0 {
		cfg.WriteWait = DefaultWriteWait
	}
	return &Handler{
		cfg: cfg,
		upgrader: websocket.Upgrader{
			// The same small buffers as the chat room's connections: an
			// idle echo holds 1 KiB of read buffer, and a write buffer
			// only while it writes.
			ReadBufferSize:   1024,
			WriteBufferSize:  4096,
			WriteBufferPool:  &sync.Pool{},
			CheckOrigin:      cfg.CheckOrigin,
			HandshakeTimeout: cfg.WriteWait,
			// No EnableCompression: RSV1 stays an error (§5.2), and the
			// echo is byte for byte what chapter 04's is.
		},
		conns: make(map[*conn]struct{}),
	}
}

// ServeHTTP upgrades the request (the upgrader answers a bad handshake
// with 4xx itself, §4.2.1) and echoes on the connection. After Shutdown
// it answers 503.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.enter() {
		http.Error(w, "server shutting down", http.StatusServiceUnavailable)
		return
	}
	defer h.serving.Done()
	ws, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &conn{ws: ws, cfg: h.cfg}
	if !h.track(c) {
		// Shutdown began during the handshake and did not see this one.
		c.goAway()
		c.hangUp()
		return
	}
	defer h.untrack(c)
	c.serve()
}

// enter counts a request in, unless shutting down.
func (h *Handler) enter() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closing {
		return false
	}
	h.serving.Add(1)
	return true
}

func (h *Handler) track(c *conn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closing {
		return false
	}
	h.conns[c] = struct{}{}
	return true
}

func (h *Handler) untrack(c *conn) {
	h.mu.Lock()
	delete(h.conns, c)
	h.mu.Unlock()
}

// Shutdown sends every open connection close 1001 "server shutting down"
// (§7.4.1: going away), waits for them to go, and when ctx ends first
// cuts the rest and returns ctx's error. From its start new requests get
// 503. It does not stop the http.Server: call its Shutdown first, so that
// no new connection comes in (http.Server.Shutdown does not wait for
// hijacked connections, which is why this one exists).
func (h *Handler) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	h.closing = true
	conns := make([]*conn, 0, len(h.conns))
	for c := range h.conns {
		conns = append(conns, c)
	}
	h.mu.Unlock()

	for _, c := range conns {
		c.goAway()
	}
	done := make(chan struct{})
	go func() { h.serving.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		for _, c := range conns {
			c.ws.Close()
		}
		<-done
		return ctx.Err()
	}
}
