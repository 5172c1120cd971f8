package history

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"example.com/wswalk/05-gorilla-chat/chat"
	"example.com/wswalk/06-redis-history/web"
	"github.com/gorilla/websocket"
)

// quiet keeps the chat servers' log out of the test output.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// node is one chat server process: chapter 05's Server with a Store as its
// History and a Relay, behind a real HTTP server on loopback.
type node struct {
	store *Store
	relay *Relay
	srv   *chat.Server
	http  *httptest.Server
}

// startNode starts a server on room; it is stopped when the test ends
// (before its Room is closed: cleanups run last-in first-out).
func startNode(t testing.TB, url, room string, keep int, logs *logBuffer) *node {
	t.Helper()
	return startNodeWith(t, url, room, keep, logs, chat.Config{})
}

// startNodeWith is startNode with cfg's settings for the chat server.
func startNodeWith(t testing.TB, url, room string, keep int, logs *logBuffer, cfg chat.Config) *node {
	t.Helper()
	return startNodeOpts(t, testOptions(url, room, keep, logs), cfg)
}

// startNodeOpts is startNode with the Room's Options and the server's cfg.
func startNodeOpts(t testing.TB, o Options, cfg chat.Config) *node {
	t.Helper()
	st := openWith(t, o)
	r := relayFor(t, st, o)
	cfg.History, cfg.Relay, cfg.Logger, cfg.Page = st, r, quiet, web.FS
	srv := chat.NewServer(cfg)
	r.Start(srv)
	srv.Handle("/status", StatusHandler(r))
	n := &node{store: st, relay: r, srv: srv, http: httptest.NewServer(srv)}
	t.Cleanup(n.stop)
	return n
}

// isPresence: an online or offline notice. The newest replaces an unsent
// older one and names only the latest who came or went, so a test waits
// for the state it needs (a name in the list), not for one event.
func isPresence(e chat.Event) bool {
	return e.Type == chat.TypeOnline || e.Type == chat.TypeOffline
}

// stop shuts the server down as SIGINT would; stopping twice is harmless.
func (n *node) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n.http.Config.Shutdown(ctx)
	n.srv.Shutdown(ctx)
	n.http.Close()
	n.relay.Close()
	n.store.Close()
}

func (n *node) wsURL(query string) string {
	return "ws" + strings.TrimPrefix(n.http.URL, "http") + "/ws?" + query
}

// peer is one gorilla client in the room.
type peer struct {
	t    testing.TB
	conn *websocket.Conn
}

func dialPeer(t testing.TB, url string) *peer {
	t.Helper()
	conn, resp, err := websocket.DefaultDialer.Dial(url, nil)
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

// join dials n as name and reads up to its own online event, which it
// returns (its Members are the whole room's).
func (n *node) join(t testing.TB, name string) (*peer, chat.Event) {
	t.Helper()
	p := dialPeer(t, n.wsURL("username="+name))
	e := p.waitFor(func(e chat.Event) bool { return isPresence(e) && slices.Contains(names(e.Members), name) })
	return p, e
}

func (p *peer) say(body string) {
	p.t.Helper()
	if err := p.conn.WriteJSON(map[string]string{"body": body}); err != nil {
		p.t.Fatalf("send %q: %v", body, err)
	}
}

// next reads one event, failing after 10s.
func (p *peer) next() chat.Event {
	p.t.Helper()
	p.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, data, err := p.conn.ReadMessage()
	if err != nil {
		p.t.Fatalf("read event: %v", err)
	}
	var e chat.Event
	if err := json.Unmarshal(data, &e); err != nil {
		p.t.Fatalf("event %q is not JSON: %v", data, err)
	}
	return e
}

// waitFor reads until an event matches and returns it.
func (p *peer) waitFor(match func(chat.Event) bool) chat.Event {
	p.t.Helper()
	for {
		if e := p.next(); match(e) {
			return e
		}
	}
}

// messages reads until n message events came, skipping the others.
func (p *peer) messages(n int) []chat.Event {
	p.t.Helper()
	var got []chat.Event
	for len(got) < n {
		if e := p.next(); e.Type == chat.TypeMessage {
			got = append(got, e)
		}
	}
	return got
}

// names lists the usernames of members.
func names(ms []chat.Member) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.Username)
	}
	return out
}

// said is what a comparison of messages across servers is about.
type said struct{ ID, Username, Body string }

func saids(events []chat.Event) []said {
	out := []said{}
	for _, e := range events {
		out = append(out, said{e.ID, e.Username, e.Body})
	}
	return out
}
