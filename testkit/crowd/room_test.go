package crowd

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// testRoom is a small room for the harness to measure: a locked set of
// clients, a bounded queue and one writer per connection, a full queue
// closing the client with 1008, as the rooms of chapter 05 do.
type testRoom struct {
	queue    int           // per client
	announce bool          // every arrival is sent to everyone, as 05 does
	jsonIn   bool          // {"body":"..."} in, {"type":"message",...} out
	mute     bool          // never broadcast: a room that loses messages
	delay    time.Duration // before each write: a server too busy to keep up
	kick     int           // the first kick clients closed with 1008 as they arrive

	up      websocket.Upgrader
	wg      sync.WaitGroup // every handler and writer, so a test leaves none behind
	mu      sync.Mutex
	clients map[*testConn]bool
}

type testConn struct {
	conn *websocket.Conn
	send chan []byte
}

func startRoom(t *testing.T, r *testRoom) (ws, stats string) {
	t.Helper()
	r.clients = make(map[*testConn]bool)
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", r.serveWS)
	mux.HandleFunc("/stats", func(w http.ResponseWriter, _ *http.Request) {
		r.mu.Lock()
		n := len(r.clients)
		r.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]int{"goroutines": runtime.NumGoroutine(), "clients": n})
	})
	srv := httptest.NewUnstartedServer(mux)
	srv.Listener = smallSendBuffers{srv.Listener}
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		r.wg.Wait()
	})
	return URLs(srv.URL+"/", "/ws")
}

// smallSendBuffers gives each connection a 16 KiB send buffer. On loopback
// Linux grows a socket's to megabytes at once (its window for a 64 KiB
// MTU), which a stalled client would take long to fill; across a network
// the room sees a stall after one window.
type smallSendBuffers struct{ net.Listener }

func (l smallSendBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetWriteBuffer(16 << 10)
	}
	return c, err
}

// fanout queues msg for everyone without waiting; r.mu is held.
func (r *testRoom) fanout(msg []byte) {
	for c := range r.clients {
		select {
		case c.send <- msg:
		default:
			delete(r.clients, c)
			close(c.send) // its writer says 1008
		}
	}
}

func (r *testRoom) serveWS(w http.ResponseWriter, req *http.Request) {
	r.wg.Add(1)
	defer r.wg.Done()
	conn, err := r.up.Upgrade(w, req, nil)
	if err != nil {
		return
	}
	c := &testConn{conn: conn, send: make(chan []byte, r.queue)}
	r.mu.Lock()
	if r.announce {
		r.fanout([]byte(`{"type":"online"}`))
	}
	r.clients[c] = true
	if r.kick > 0 {
		r.kick--
		delete(r.clients, c)
		close(c.send)
	}
	r.mu.Unlock()
	r.wg.Go(func() { c.write(r.delay) })
	defer func() {
		r.mu.Lock()
		if r.clients[c] {
			delete(r.clients, c)
			close(c.send)
		}
		r.mu.Unlock()
		conn.Close()
	}()
	for {
		_, msg, err := conn.ReadMessage()
		if err != nil {
			return
		}
		if r.jsonIn {
			var in struct{ Body string }
			if json.Unmarshal(msg, &in) != nil {
				return
			}
			msg, _ = json.Marshal(map[string]string{"type": "message", "body": in.Body})
		}
		if !r.mute {
			r.mu.Lock()
			r.fanout(msg)
			r.mu.Unlock()
		}
	}
}

func (c *testConn) write(delay time.Duration) {
	defer c.conn.Close()
	for msg := range c.send {
		time.Sleep(delay)
		c.conn.SetWriteDeadline(time.Now().Add(time.Second))
		if c.conn.WriteMessage(websocket.TextMessage, msg) != nil {
			return
		}
	}
	c.conn.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.ClosePolicyViolation, "too slow"), time.Now().Add(time.Second))
}
