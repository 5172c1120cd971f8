package compare

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/01-polling/site"
	"example.com/wswalk/01-polling/wire"
	"example.com/wswalk/02-longpolling/longpoll"
	"example.com/wswalk/02-longpolling/stream"
	"example.com/wswalk/03-raw-handshake/handshake"
)

// The techniques, by the names the JSON endpoints and the page use.
const (
	Short     = "short"  // chapter 01: ask every interval
	Long      = "long"   // chapter 02: ask, and the server holds the answer until there is news
	Stream    = "stream" // chapter 02: ask once, and the answer never ends (Server-Sent Events)
	WebSocket = "ws"     // this chapter: one connection, the server pushes
)

// Names lists the techniques in the order they are shown and measured:
// the two kinds of polling, then the two kinds of push.
var Names = []string{Short, Long, Stream, WebSocket}

var labels = map[string]string{
	Short:     "Short polling",
	Long:      "Long polling",
	Stream:    "Streaming (SSE)",
	WebSocket: "WebSocket",
}

// paths are where each technique answers on its port.
var paths = map[string]string{
	Short:     "/messages",
	Long:      "/messages",
	Stream:    "/events",
	WebSocket: "/ws",
}

// Bounds of the clock, so a click on the page cannot turn the demo into a
// load generator: at most ten ticks a second, at least one an hour.
const (
	MinTick = 100 * time.Millisecond
	MaxTick = time.Hour
)

// ClockName is the username of the messages the clock publishes.
const ClockName = "clock"

// Options configure New. The zero value is a demo on loopback with the
// clock off.
type Options struct {
	// Host is the address the four technique listeners bind to, each on a
	// port the system picks; "" means 127.0.0.1 (loopback, like every
	// server of the course). A server shared on a network (-addr :8005)
	// passes "0.0.0.0" so the page works from the students' machines too.
	Host string
	// Tick is how often the clock publishes a message; 0 leaves it off
	// until the page turns it on. Clamped to [MinTick, MaxTick].
	Tick time.Duration
	// Origins are page origins allowed besides the default rule (the
	// origin the /compare page itself was served from).
	Origins []string
}

// HostFor returns the Options.Host that suits a main server listening on
// addr: its host, so the technique ports are as reachable as the page is,
// and every interface for ":8005" (a teacher sharing on a network).
func HostFor(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host != "" {
		return host
	}
	return "0.0.0.0"
}

// Demo is the side-by-side demo: one message log, four technique servers
// on ports of their own, the clock, and the page with its JSON endpoints.
type Demo struct {
	log     *poll.Log
	board   *longpoll.Board
	hub     *hub
	streams *stream.Handler
	techs   map[string]*technique

	origins pageOrigins

	ctx    context.Context // cancelled by Close; ends held long polls
	cancel context.CancelFunc
	wg     sync.WaitGroup

	tickMu sync.Mutex
	tick   time.Duration
	retick chan struct{} // wakes the clock when tick changes

	closeOnce sync.Once
}

// technique is one technique's server on its own counted listener.
type technique struct {
	name string
	ln   *wire.Listener
	srv  *http.Server
}

// New starts the four technique servers and the clock. Close stops them.
func New(opts Options) (*Demo, error) {
	host := opts.Host
	if host == "" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &Demo{
		log:    poll.NewLog(),
		techs:  map[string]*technique{},
		ctx:    ctx,
		cancel: cancel,
		tick:   clampTick(opts.Tick),
		retick: make(chan struct{}, 1),
	}
	if _, err := handshake.NewOrigins(nil, opts.Origins); err != nil {
		return nil, fmt.Errorf("compare: %w", err)
	}
	d.origins.rules.Allow = opts.Origins
	d.board = longpoll.NewBoard(d.log)
	d.hub = newHub(d.board, d.allowed)
	// The stream's timers are chapter 02's defaults; its write bound is
	// the WebSocket side's, so a client that stops reading is dropped
	// after the same time whichever way it is pushed to.
	d.streams = stream.NewHandler(d.board, stream.Options{WriteWait: writeWait})

	handlers := map[string]http.Handler{
		Short:     d.cors(poll.NewHandler(d.board)),
		Long:      d.cors(longpoll.NewHandler(d.board)),
		Stream:    d.cors(d.streams),
		WebSocket: d.hub,
	}
	for _, name := range Names {
		ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			d.Close()
			return nil, fmt.Errorf("compare: listen for %s: %w", labels[name], err)
		}
		t := &technique{name: name, ln: wire.NewListener(ln)}
		t.srv = site.NewServer(t.ln.CountRequests(handlers[name]), site.Timeouts{})
		t.srv.BaseContext = func(net.Listener) context.Context { return ctx }
		d.techs[name] = t
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			_ = t.srv.Serve(t.ln) // returns when Close shuts it down
		}()
	}
	d.wg.Add(1)
	go d.clock()
	return d, nil
}

// Publish appends a message to the shared log, which every technique then
// delivers: the long polls held open wake, the streams get an event, the
// WebSocket clients get a frame, the short pollers find it on their next
// visit. Feed it the chat room's messages to show them in all four panes.
func (d *Demo) Publish(username, body string) (poll.Message, error) {
	return d.hub.publish(username, body)
}

// Close stops the clock and the four servers: held long polls answer [],
// streams end, WebSocket clients get close 1001 (going away), then the
// listeners close.
// It is safe to call more than once.
func (d *Demo) Close() error {
	d.closeOnce.Do(func() {
		d.cancel()
		d.hub.close()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		for _, t := range d.techs {
			if err := t.srv.Shutdown(ctx); err != nil {
				_ = t.srv.Close()
			}
		}
		d.hub.wait()
		d.wg.Wait()
	})
	return nil
}

// Port returns the port the named technique listens on, 0 for an unknown
// name.
func (d *Demo) Port(name string) int {
	t, ok := d.techs[name]
	if !ok {
		return 0
	}
	return t.ln.Addr().(*net.TCPAddr).Port
}

// Tick returns how often the clock publishes now; 0 means it is off.
func (d *Demo) Tick() time.Duration {
	d.tickMu.Lock()
	defer d.tickMu.Unlock()
	return d.tick
}

// SetTick changes the clock's rate (0 turns it off); other values are
// clamped to [MinTick, MaxTick].
func (d *Demo) SetTick(every time.Duration) {
	d.tickMu.Lock()
	d.tick = clampTick(every)
	d.tickMu.Unlock()
	select {
	case d.retick <- struct{}{}:
	default: // a wake-up is already pending
	}
}

func clampTick(every time.Duration) time.Duration {
	switch {
	case every <= 0:
		return 0
	case every < MinTick:
		return MinTick
	case every > MaxTick:
		return MaxTick
	}
	return every
}

// clock publishes "tick hh:mm:ss.mmm" at the current rate until Close.
func (d *Demo) clock() {
	defer d.wg.Done()
	for {
		var next <-chan time.Time
		if every := d.Tick(); every > 0 {
			timer := time.NewTimer(every)
			next = timer.C
			defer timer.Stop()
		}
		select {
		case <-d.ctx.Done():
			return
		case <-d.retick:
		case now := <-next:
			_, _ = d.Publish(ClockName, "tick "+now.Format("15:04:05.000"))
		}
	}
}

// cors lets the page, served from the main server's origin, read the
// answers of a technique port (a simple GET needs no preflight, only
// Access-Control-Allow-Origin on the answer). A foreign origin gets 403.
func (d *Demo) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if !d.allowed(origin, r) {
			poll.WriteError(w, http.StatusForbidden, "origin not allowed: "+origin)
			return
		}
		if origin != "" {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Add("Vary", "Origin")
		}
		next.ServeHTTP(w, r)
	})
}

// lastID is the newest message's ID: a client that starts from it gets
// exactly what is published after it joined.
func (d *Demo) lastID() int64 { return d.log.Last() }

// errClosed is returned by Publish after Close.
var errClosed = errors.New("compare: demo closed")

// formatTick is how the endpoints write a tick rate: "off" or a duration.
func formatTick(every time.Duration) string {
	if every == 0 {
		return "off"
	}
	return every.String()
}

// parseTick reads what formatTick writes, plus plain milliseconds.
func parseTick(s string) (time.Duration, error) {
	if s == "off" || s == "0" || s == "" {
		return 0, nil
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		switch {
		case ms < 0:
			return 0, fmt.Errorf("tick must not be negative, got %q", s)
		case ms > int64(MaxTick/time.Millisecond):
			return MaxTick, nil // and not a product that overflows
		}
		return time.Duration(ms) * time.Millisecond, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("tick must be \"off\" or a duration such as 500ms or 2s, got %q", s)
	}
	return d, nil
}
