package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"

	"example.com/wswalk/04-framing/server"
)

// startRoom serves a Room at /chat on a free port and returns its address.
func startRoom(t testing.TB, room *Room, cfg server.Config) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Logf = func(string, ...any) {}
	srv := server.New(cfg)
	srv.Handle("/chat", room.Handle)
	go srv.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return ln.Addr().String()
}

func join(t testing.TB, addr, name string) *websocket.Conn {
	t.Helper()
	c, resp, err := websocket.DefaultDialer.Dial("ws://"+addr+"/chat?username="+name, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	t.Cleanup(func() { c.Close() })
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	return c
}

// next reads one event, without its time, which the test cannot know.
func next(t testing.TB, c *websocket.Conn) Event {
	t.Helper()
	ev, err := tryNext(c)
	if err != nil {
		t.Fatalf("read event: %v", err)
	}
	return ev
}

// tryNext is next for a caller that wants the error.
func tryNext(c *websocket.Conn) (Event, error) {
	_, data, err := c.ReadMessage()
	if err != nil {
		return Event{}, err
	}
	var ev Event
	if err := json.Unmarshal(data, &ev); err != nil {
		return Event{}, fmt.Errorf("event %q: %v", data, err)
	}
	if _, err := time.Parse(time.RFC3339, ev.Time); err != nil {
		return Event{}, fmt.Errorf("event time %q: %v", ev.Time, err)
	}
	ev.Time = ""
	return ev, nil
}

// echoWait bounds how long the slow-member test waits for one echo: far
// more than a 16 KiB round trip on loopback takes, even on a busy machine.
const echoWait = 10 * time.Second

// TestRoomBroadcast: two members see each other join, both get every
// message, and the one who stays sees the other leave.
func TestRoomBroadcast(t *testing.T) {
	t.Parallel()
	addr := startRoom(t, &Room{}, server.Config{})
	ann := join(t, addr, "ann")
	if diff := cmp.Diff(Event{Type: "online", Username: "ann", Count: 1}, next(t, ann)); diff != "" {
		t.Fatalf("ann's first event (-want +got):\n%s", diff)
	}
	bob := join(t, addr, "bob")
	for _, c := range []*websocket.Conn{ann, bob} {
		if diff := cmp.Diff(Event{Type: "online", Username: "bob", Count: 2}, next(t, c)); diff != "" {
			t.Fatalf("bob joining (-want +got):\n%s", diff)
		}
	}
	if err := bob.WriteMessage(websocket.TextMessage, []byte("  hi ann  ")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*websocket.Conn{ann, bob} {
		if diff := cmp.Diff(Event{Type: "message", Username: "bob", Body: "hi ann"}, next(t, c)); diff != "" {
			t.Fatalf("bob's message (-want +got):\n%s", diff)
		}
	}
	bob.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(1000, ""), time.Now().Add(time.Second))
	if diff := cmp.Diff(Event{Type: "offline", Username: "bob", Count: 1}, next(t, ann)); diff != "" {
		t.Fatalf("bob leaving (-want +got):\n%s", diff)
	}
}

// TestRoomGuestNames: without ?username= members are guest-1, guest-2.
func TestRoomGuestNames(t *testing.T) {
	t.Parallel()
	addr := startRoom(t, &Room{}, server.Config{})
	a := join(t, addr, "")
	next(t, a)
	b := join(t, addr, "")
	if diff := cmp.Diff(Event{Type: "online", Username: "guest-2", Count: 2}, next(t, b)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestRoomRefusesBinary: the room takes text; binary gets close 1003.
func TestRoomRefusesBinary(t *testing.T) {
	t.Parallel()
	addr := startRoom(t, &Room{}, server.Config{})
	c := join(t, addr, "ann")
	next(t, c)
	c.WriteMessage(websocket.BinaryMessage, []byte{1, 2, 3})
	_, _, err := c.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseUnsupportedData) {
		t.Fatalf("got %v, want close 1003", err)
	}
}

// TestSlowMemberDropped: a member that never reads cannot hold the room
// up. Its queue fills, the room drops it (everyone sees it go offline),
// and the member who reads gets every message, in order.
func TestSlowMemberDropped(t *testing.T) {
	t.Parallel()
	room := &Room{Queue: 8}
	addr := startRoom(t, room, server.Config{})

	// The slow member reads nothing after its own "online" event, with a tiny receive
	// buffer so that its socket fills after a few KiB.
	slow := join(t, addr, "slow")
	slow.NetConn().(*net.TCPConn).SetReadBuffer(4 << 10)
	next(t, slow) // its own "online": it has joined before fast does
	fast := join(t, addr, "fast")
	if diff := cmp.Diff(Event{Type: "online", Username: "fast", Count: 2}, next(t, fast)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	body := strings.Repeat("x", 16<<10)
	dropped := false
	// In lock step: fast sends, then reads until its own message is back,
	// so its own queue never holds more than one event.
	for i := 0; i < 2000 && !dropped; i++ {
		if err := fast.WriteMessage(websocket.TextMessage, []byte(body)); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		for {
			// Each echo has its own bound: a room that waits for the slow
			// member fails here in seconds, not at the test's deadline.
			fast.SetReadDeadline(time.Now().Add(echoWait))
			ev, err := tryNext(fast)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("message %d: no echo within %v: the room is stuck, waiting for the slow member", i, echoWait)
			}
			if err != nil {
				t.Fatalf("message %d: %v", i, err)
			}
			if ev == (Event{Type: "offline", Username: "slow", Count: 1}) {
				dropped = true
				continue
			}
			if diff := cmp.Diff(Event{Type: "message", Username: "fast", Body: body}, ev); diff != "" {
				t.Fatalf("message %d (-want +got):\n%s", i, diff)
			}
			break
		}
	}
	if !dropped {
		t.Fatal("the slow member was never dropped")
	}
	if diff := cmp.Diff([]string{"fast"}, room.Online()); diff != "" {
		t.Errorf("online after the drop (-want +got):\n%s", diff)
	}
}
