// Package crowd loads a WebSocket room the way browsers do after a server
// restart: N clients dial at once, a limited number at a time, and each
// starts reading the moment it is connected, while the others are still
// arriving. Then, optionally, a sender posts K broadcasts, one at a time,
// and the crowd reports what arrived and when.
//
// What it measures, in Result: how many clients the room closed (evicted)
// and with which close codes, how many broadcasts reached how many clients,
// the delivery latency from send to receive, and, given the server's PID
// and /stats URL, its resident memory and goroutines per connection.
//
//	res, err := crowd.Run(ctx, crowd.Options{URL: "ws://127.0.0.1:8005/ws",
//		Clients: 1000, Broadcasts: 50, Payload: crowd.JSONBody})
package crowd

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

// Options says who arrives and what is sent. Zero fields take the defaults.
type Options struct {
	URL     string      // the room, ws://host:port/path
	Header  http.Header // sent with every handshake
	Clients int         // how many arrive
	Dials   int         // dials in flight at once; 100

	// Broadcasts is how many messages the sender (a connection of its own,
	// dialled after the crowd) posts; 0 measures an idle crowd. They go one
	// at a time: each once the last has reached every reading client still
	// connected, or Wait has passed. The figures are then about fan-out,
	// and not about the queues that a burst from the harness would fill.
	Broadcasts int
	// Payload makes the frame the sender writes from a body holding the
	// marker (Raw, the default, sends it as it is; JSONBody as chapter 05's
	// {"body":"..."}). A delivery is any received frame holding the marker.
	Payload func(body string) []byte
	Pad     int           // bytes of filler after the marker in each body
	Wait    time.Duration // longest wait for one broadcast to reach everyone; 2s
	Gap     time.Duration // pause after each broadcast has arrived; 0

	// Stalled clients, the first ones to dial, never read: a phone whose
	// tab froze. Their socket receive buffer is made small, so the room
	// sees the stall sooner; whether it closed them shows at the end. On
	// loopback the server's own send buffer still takes megabytes (Linux
	// grows it up to tcp_wmem's maximum, 4 MiB by default) before the
	// room's queue fills: make the broadcasts long (Pad) and many.
	Stalled int

	// Settle is how long the crowd waits after arriving before it is
	// measured (and the broadcasts start); 1s. With StatsURL it first waits,
	// up to 10s more, until the room counts every client still connected.
	Settle   time.Duration
	PID      int    // the server's process, for its VmRSS; 0: not measured
	StatsURL string // its /stats ({"goroutines":N,"clients":N}); "": not read
}

// Result is what one run saw.
type Result struct {
	Clients    int
	Connected  int           // dials that succeeded
	DialErrors int           // dials that failed
	DialError  string        // the first failure, for a report
	Arrival    time.Duration // from the first dial to the last one's return

	// Evicted counts the reading clients whose connection ended before the
	// end of the run: the room closed them. CloseCodes counts them by the
	// close frame's code, 1006 for a connection cut without one.
	Evicted    int
	CloseCodes map[int]int
	// StalledEvicted counts the stalled clients found closed at the end.
	Stalled, StalledEvicted int

	// Expected is Broadcasts times the reading clients that connected;
	// Delivered counts the (client, broadcast) pairs that arrived.
	Delivered, Expected int
	P50, P99            time.Duration // send time to receive time

	// Memory and goroutines of the server once the crowd has settled, less
	// what it had before the first dial, divided by Connected.
	RSSBefore, RSSAfter               int64   // bytes
	RSSPerConn                        float64 // bytes
	GoroutinesBefore, GoroutinesAfter int
	GoroutinesPerConn                 float64
}

// Raw is the Payload that sends the body as it is, for rooms that
// broadcast what they receive (gorilla's example chat).
func Raw(body string) []byte { return []byte(body) }

// JSONBody is the Payload of chapter 05's room: {"body":"..."}.
func JSONBody(body string) []byte {
	b, _ := json.Marshal(struct {
		Body string `json:"body"`
	}{body})
	return b
}

const (
	handshakeTimeout = 10 * time.Second
	writeWait        = 5 * time.Second
	stalledBuffer    = 4096            // SO_RCVBUF of a stalled client
	drainWait        = 2 * time.Second // to find a stalled client's close
)

// Run lets the crowd arrive, sends the broadcasts, measures, and closes
// every connection before it returns, by ctx's end at the latest. The
// error says why the run stopped early; the Result has what was seen.
func Run(ctx context.Context, o Options) (Result, error) {
	o = o.withDefaults()
	res := Result{Clients: o.Clients, Stalled: min(o.Stalled, o.Clients), CloseCodes: map[int]int{}}
	if err := raiseNoFile(uint64(o.Clients) + fdMargin); err != nil {
		return res, err
	}
	if err := measure(ctx, o, &res.RSSBefore, &res.GoroutinesBefore); err != nil {
		return res, err
	}
	r := &run{o: o, t: newTracker(), id: fmt.Sprintf("%08x", time.Now().UnixNano()&0xffffffff)}
	r.ctx, r.cancel = context.WithCancel(ctx)
	defer r.cleanup()

	r.arrive(&res)
	err := r.settle(&res)
	if err == nil && o.Broadcasts > 0 {
		err = r.broadcast()
	}
	r.t.end()
	res.StalledEvicted = r.drainStalled()
	r.cleanup()
	r.tally(&res)
	if err == nil {
		err = ctx.Err()
	}
	return res, err
}

func (o Options) withDefaults() Options {
	if o.Dials <= 0 {
		o.Dials = 100
	}
	if o.Payload == nil {
		o.Payload = Raw
	}
	if o.Wait <= 0 {
		o.Wait = 2 * time.Second
	}
	if o.Settle <= 0 {
		o.Settle = time.Second
	}
	return o
}

// measure reads the server's memory and goroutines, where it can.
func measure(ctx context.Context, o Options, rssBytes *int64, goroutines *int) error {
	if o.PID > 0 {
		n, err := rss(o.PID)
		if err != nil {
			return err
		}
		*rssBytes = n
	}
	if o.StatsURL != "" {
		s, err := getStats(ctx, o.StatsURL)
		if err != nil {
			return err
		}
		*goroutines = s.Goroutines
	}
	return nil
}

// dialer is gorilla's, with 1 KiB buffers so that 10,000 clients cost this
// process little; a stalled client's socket gets a small receive buffer.
func dialer(stalled bool) *websocket.Dialer {
	nd := &net.Dialer{}
	if stalled {
		nd.Control = func(_, _ string, rc syscall.RawConn) error {
			var err error
			rc.Control(func(fd uintptr) {
				err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, stalledBuffer)
			})
			return err
		}
	}
	return &websocket.Dialer{
		NetDialContext:   nd.DialContext,
		HandshakeTimeout: handshakeTimeout,
		ReadBufferSize:   1024,
		WriteBufferSize:  1024,
	}
}

// URLs gives the ws:// URL of path and the /stats URL of the server whose
// page is at httpURL ("http://127.0.0.1:8005/"), for callers that know the
// room by the URL its command logged.
func URLs(httpURL, path string) (ws, stats string) {
	base := strings.TrimSuffix(httpURL, "/")
	return "ws" + strings.TrimPrefix(base, "http") + path, base + "/stats"
}
