package chat

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/gorilla/websocket"
)

// quiet keeps the tests' output to what failed.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// liveRoom is a Server behind a real HTTP server on loopback.
type liveRoom struct {
	*Server
	http *httptest.Server
}

func startRoom(t *testing.T, cfg Config) *liveRoom {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = quiet
	}
	s := NewServer(cfg)
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		s.Shutdown(ctx)
		ts.Close()
	})
	return &liveRoom{Server: s, http: ts}
}

func (r *liveRoom) wsURL(path string) string {
	return "ws" + strings.TrimPrefix(r.http.URL, "http") + path
}

// peer is one gorilla client in the room.
type peer struct {
	t    *testing.T
	conn *websocket.Conn
}

func dial(t *testing.T, url string, h http.Header) *peer {
	t.Helper()
	conn, resp, err := websocket.DefaultDialer.Dial(url, h)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial %s: %v (HTTP %d)", url, err, status)
	}
	t.Cleanup(func() { conn.Close() })
	return &peer{t: t, conn: conn}
}

// join dials /ws as name (query) and reads up to its own online event.
func (r *liveRoom) join(t *testing.T, name string) *peer {
	t.Helper()
	p := dial(t, r.wsURL("/ws?username="+name), nil)
	// Presence is a notice: the newest replaces an unsent older one and
	// names only the latest who came or went, so wait for the state (the
	// name in the list), not for one event.
	p.waitFor(func(e Event) bool {
		return (e.Type == TypeOnline || e.Type == TypeOffline) && slices.Contains(names(e.Members), name)
	})
	return p
}

func (p *peer) say(body string) {
	p.t.Helper()
	if err := p.conn.WriteJSON(map[string]string{"body": body}); err != nil {
		p.t.Fatalf("send %q: %v", body, err)
	}
}

// next reads one event, failing after 5s.
func (p *peer) next() Event {
	p.t.Helper()
	p.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	var e Event
	_, data, err := p.conn.ReadMessage()
	if err != nil {
		p.t.Fatalf("read event: %v", err)
	}
	if err := json.Unmarshal(data, &e); err != nil {
		p.t.Fatalf("event %q is not JSON: %v", data, err)
	}
	return e
}

// waitFor reads until an event matches and returns it.
func (p *peer) waitFor(match func(Event) bool) Event {
	p.t.Helper()
	for {
		if e := p.next(); match(e) {
			return e
		}
	}
}

// messages reads until n message events came and returns them, skipping
// presence events.
func (p *peer) messages(n int) []Event {
	p.t.Helper()
	var got []Event
	for len(got) < n {
		if e := p.next(); e.Type == TypeMessage {
			got = append(got, e)
		}
	}
	return got
}

// closeCode reads until the connection ends and returns its close code
// (1006 when it ended without a close frame).
func (p *peer) closeCode() int {
	p.t.Helper()
	p.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, _, err := p.conn.ReadMessage()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if ok := asCloseError(err, &ce); ok {
			return ce.Code
		}
		return websocket.CloseAbnormalClosure
	}
}

func asCloseError(err error, target **websocket.CloseError) bool {
	ce, ok := err.(*websocket.CloseError)
	if ok {
		*target = ce
	}
	return ok
}

// bodies keeps what a comparison of messages is about.
type said struct{ Username, Body string }

func bodies(events []Event) []said {
	out := make([]said, len(events))
	for i, e := range events {
		out[i] = said{e.Username, e.Body}
	}
	return out
}

func names(ms []Member) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Username
	}
	return out
}

var ignoreVolatile = cmpopts.IgnoreFields(Event{}, "Time", "ClientID", "ID")

func diff(t *testing.T, what string, want, got any, opts ...cmp.Option) {
	t.Helper()
	if d := cmp.Diff(want, got, opts...); d != "" {
		t.Errorf("%s (-want +got):\n%s", what, d)
	}
}

func idNum(t *testing.T, id string) uint64 {
	t.Helper()
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		t.Fatalf("id %q is not a decimal number: %v", id, err)
	}
	return n
}

// dialStatus tries a handshake that should fail and returns its HTTP status.
func dialStatus(t *testing.T, url string, h http.Header) int {
	t.Helper()
	conn, resp, err := websocket.DefaultDialer.Dial(url, h)
	if err == nil {
		conn.Close()
		t.Fatalf("dial %s succeeded, want it refused", url)
	}
	if resp == nil {
		t.Fatalf("dial %s: %v (no HTTP answer)", url, err)
	}
	return resp.StatusCode
}

// sayRaw sends one text frame as is.
func (p *peer) sayRaw(data string) {
	p.t.Helper()
	if err := p.conn.WriteMessage(websocket.TextMessage, []byte(data)); err != nil {
		p.t.Fatalf("send %q: %v", data, err)
	}
}

// presence reads until the next online or offline event, skipping messages.
func (p *peer) presence() Event {
	p.t.Helper()
	return p.waitFor(func(e Event) bool { return e.Type == TypeOnline || e.Type == TypeOffline })
}

// kinds keeps what a comparison of events by type is about.
type kind struct{ Type, Username, Body string }

func kinds(events []Event) []kind {
	out := make([]kind, len(events))
	for i, e := range events {
		out[i] = kind{e.Type, e.Username, e.Body}
	}
	return out
}

// readN reads n events, whatever they are.
func (p *peer) readN(n int) []Event {
	p.t.Helper()
	out := make([]Event, n)
	for i := range out {
		out[i] = p.next()
	}
	return out
}

// testHub joins Servers of one process into one room, the way chapter
// 06 does over Redis: every message reaches every server's Deliver, and
// each server's members reach the others' Elsewhere. Each server talks to
// it through its own relayEnd.
type testHub struct {
	mu      sync.Mutex
	servers []*Server
	here    map[*Server][]Member
	apply   map[*Server]*sync.Mutex // one Elsewhere at a time per server
}

type relayEnd struct {
	hub  *testHub
	self *Server
}

// startRooms starts n servers sharing one room through a testHub.
func startRooms(t *testing.T, n int, cfg Config) []*liveRoom {
	hub := &testHub{here: map[*Server][]Member{}, apply: map[*Server]*sync.Mutex{}}
	var rooms []*liveRoom
	for range n {
		end := &relayEnd{hub: hub}
		c := cfg
		c.Relay = end
		r := startRoom(t, c)
		end.self = r.Server
		hub.mu.Lock()
		hub.servers = append(hub.servers, r.Server)
		hub.apply[r.Server] = &sync.Mutex{}
		hub.mu.Unlock()
		rooms = append(rooms, r)
	}
	return rooms
}

func (e *relayEnd) Publish(ctx context.Context, ev Event) error {
	e.hub.mu.Lock()
	defer e.hub.mu.Unlock()
	for _, s := range e.hub.servers {
		s.Deliver(ev)
	}
	return nil
}

// Here tells the other servers from goroutines, as a network would, so
// no server waits on another; each reads the newest lists when it runs.
func (e *relayEnd) Here(members []Member) {
	e.hub.mu.Lock()
	defer e.hub.mu.Unlock()
	e.hub.here[e.self] = members
	for _, s := range e.hub.servers {
		if s == e.self {
			continue
		}
		go func() {
			e.hub.mu.Lock()
			apply := e.hub.apply[s]
			e.hub.mu.Unlock()
			apply.Lock()
			defer apply.Unlock()
			e.hub.mu.Lock()
			var others []Member
			for o, ms := range e.hub.here {
				if o != s {
					others = append(others, ms...)
				}
			}
			e.hub.mu.Unlock()
			s.Elsewhere(others)
		}()
	}
}
