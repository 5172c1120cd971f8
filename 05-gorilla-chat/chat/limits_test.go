package chat

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Bad input costs the sender an error event, and the room goes on.
func TestBadInputGetsAnErrorEvent(t *testing.T) {
	t.Parallel()
	r := startRoom(t, Config{})
	ann := r.join(t, "ann")
	for _, bad := range []string{`hello`, `{"text":"hi"}`, `{"body":7}`, `[1,2]`, `{"body":`} {
		ann.sayRaw(bad)
		if e := ann.next(); e.Type != TypeError || e.Body == "" {
			t.Errorf("sent %q: got %+v, want an error event saying why", bad, e)
		}
	}
	ann.conn.WriteMessage(websocket.BinaryMessage, []byte(`{"body":"hi"}`))
	if e := ann.next(); e.Type != TypeError {
		t.Errorf("binary frame: got %+v, want an error event", e)
	}
	ann.say("still here")
	diff(t, "after the errors", []said{{"ann", "still here"}}, bodies(ann.messages(1)))

	// Bad input while the room is busy: bob's writer is in the middle of
	// writing megabytes that bob has not read yet when its bad inputs
	// come, and the error events must still wait for that one writer.
	// (The errors are notices, so several may come as one; no message may
	// be lost.)
	const n = 100
	pad := strings.Repeat("z", 50000)
	busy := startRoom(t, Config{SendQueue: 2 * n, MaxBody: 60000})
	bob := busy.join(t, "bob")
	for i := range n {
		if err := busy.Publish(context.Background(), "load", fmt.Sprint(i, pad)); err != nil {
			t.Fatal(err)
		}
	}
	for range n {
		bob.sayRaw(`not json`)
	}
	counts := map[string]int{}
	for counts[TypeMessage] < n {
		counts[bob.next().Type]++
	}
	if counts[TypeError] == 0 {
		t.Errorf("a busy room: %d messages and no error event for %d bad inputs", counts[TypeMessage], n)
	}
}

// Over the read limit the server closes with 1009 (RFC 6455 section
// 7.4.1: message too big), and only that client goes.
func TestReadLimitCloses1009(t *testing.T) {
	t.Parallel()
	r := startRoom(t, Config{MaxMessage: 1024})
	ann := r.join(t, "ann")
	big := r.join(t, "big")
	ann.presence()

	big.say(strings.Repeat("x", 1000)) // 1,011 bytes of JSON: under
	diff(t, "under the limit", "big", big.messages(1)[0].Username)
	big.say(strings.Repeat("x", 1100))
	diff(t, "close code", websocket.CloseMessageTooBig, big.closeCode())

	diff(t, "ann sees big go", kind{TypeOffline, "big", ""}, kinds([]Event{ann.presence()})[0])
	ann.say("fine")
	diff(t, "ann goes on", []said{{"ann", "fine"}}, bodies(ann.messages(1)))
}

// A client that stops reading is evicted when its queue fills, while the
// others receive every message: the room never waits for its slowest.
// publishWait bounds one Publish in the slow-client test: far more than
// handing a message to two queues takes, even on a busy machine.
const publishWait = 5 * time.Second

func TestSlowClientIsEvicted(t *testing.T) {
	t.Parallel()
	r := startRoom(t, Config{SendQueue: 8, WriteWait: time.Second, MaxBody: 60000})
	ann := r.join(t, "ann")

	// slow reads nothing after joining. (Not through a tiny receive
	// buffer: on loopback, whose segments are 64 KiB, a window that small
	// makes TCP crawl once slow reads again.)
	slow, _, err := websocket.DefaultDialer.Dial(r.wsURL("/ws?username=slow"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	ann.presence() // slow's online

	// The room goes on at ann's pace: each message is published once ann
	// has the one before. slow's queue fills all the same, as it reads
	// nothing, and ann must not miss a message meanwhile.
	pad := strings.Repeat("y", 50000)
	var offline []string
	published := 0
	for len(offline) == 0 && published < 20000 {
		body := fmt.Sprint(published, pad)
		// Each publish has its own bound: a room that waits for slow
		// fails here in seconds, not at the test's deadline.
		posted := make(chan error, 1)
		go func() { posted <- r.Publish(context.Background(), "load", body) }()
		select {
		case err := <-posted:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(publishWait):
			t.Fatalf("message %d: Publish has not returned within %v: the room is stuck, waiting for slow", published, publishWait)
		}
		published++
		for {
			e := ann.next()
			if e.Type == TypeOffline {
				offline = append(offline, e.Username)
				continue
			}
			if e.Type != TypeMessage || e.Body != body {
				t.Fatalf("ann got %.40q, want message %d", e.Body, published-1)
			}
			break
		}
	}
	diff(t, "who was evicted", []string{"slow"}, offline)
	t.Logf("slow evicted after %d messages of %d bytes", published, len(pad))
	ann.conn.Close()

	// slow, reading at last, finds its connection ended: with close 1008
	// when the server could still write the close frame, without one
	// (1006) when slow's buffers were too full to take even that.
	slow.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		if _, _, err = slow.ReadMessage(); err != nil {
			break
		}
	}
	t.Logf("slow's connection ended: %v", err)
	if ce, ok := err.(*websocket.CloseError); ok && ce.Code != websocket.ClosePolicyViolation && ce.Code != websocket.CloseAbnormalClosure {
		t.Errorf("slow's close: %v, want 1008 or no close frame", err)
	} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Errorf("slow's connection was never closed")
	}
}

// A peer that stops answering pings (laptop lid closed, cable pulled) is
// dropped and announced offline within PingPeriod+PongWait; one that
// answers stays however long it is quiet.
func TestDeadPeerDroppedByPingDeadline(t *testing.T) {
	t.Parallel()
	const ping, pong = 100 * time.Millisecond, 200 * time.Millisecond
	// The clock keeps ann reading (gorilla answers pings only while it reads).
	r := startRoom(t, Config{PingPeriod: ping, PongWait: pong, Tick: 25 * time.Millisecond})
	ann := r.join(t, "ann")              // reads all the time below, so answers pings
	annNext := func(want string) Event { // ann.next, saying why when ann is dropped too
		t.Helper()
		for {
			var e Event
			ann.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			if err := ann.conn.ReadJSON(&e); err != nil {
				t.Fatalf("ann, quiet but answering every ping, was dropped too (%v): its pongs do not keep it in", err)
			}
			if e.Type == want || want == TypeOnline && e.Type == TypeOffline {
				return e
			}
		}
	}

	// ghost's TCP stays open and acks, but it never reads, so never pongs.
	ghost, _, err := websocket.DefaultDialer.Dial(r.wsURL("/ws?username=ghost"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ghost.Close()
	start := time.Now()
	diff(t, "ghost joins", kind{TypeOnline, "ghost", ""}, kinds([]Event{annNext(TypeOnline)})[0])
	e := annNext(TypeOnline) // a presence event
	gone := time.Since(start)
	diff(t, "ghost dropped", kind{TypeOffline, "ghost", ""}, kinds([]Event{e})[0])
	if gone < ping+pong-50*time.Millisecond {
		t.Errorf("ghost dropped after %v, before its deadline %v", gone, ping+pong)
	}
	t.Logf("ghost dropped after %v (ping %v + pong wait %v)", gone, ping, pong)

	// ann, quiet for three deadlines but answering every ping, is still in.
	for quiet := time.Now().Add(3 * (ping + pong)); time.Now().Before(quiet); {
		annNext(TypeMessage) // the clock's
	}
	ann.say("still here")
	back := annNext(TypeMessage)
	for back.Username == "clock" {
		back = annNext(TypeMessage)
	}
	diff(t, "ann stays", said{"ann", "still here"}, said{back.Username, back.Body})
	diff(t, "room size", 1, r.Stats().Members)
}

// Shutdown: every client gets what was queued for it, then close 1001,
// and it is all over within a second even with a peer that never answers.
func TestShutdownFlushesThen1001(t *testing.T) {
	t.Parallel()
	r := startRoom(t, Config{})
	ann := r.join(t, "ann")
	bob := r.join(t, "bob")
	echo := dial(t, r.wsURL("/echo"), nil)
	ghost := dial(t, r.wsURL("/ws?username=ghost"), nil) // will not answer the close
	ann.presence()
	ann.presence()

	var last []string
	for i := range 50 {
		last = append(last, fmt.Sprint(i))
		r.Publish(context.Background(), "server", last[i])
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := r.Shutdown(ctx); err != nil {
		t.Errorf("shutdown took over a second: %v", err)
	}
	t.Logf("shutdown took %v", time.Since(start))

	var wg sync.WaitGroup
	for _, p := range []*peer{ann, bob} {
		wg.Go(func() {
			var got []string
			for {
				p.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
				var e Event
				err := p.conn.ReadJSON(&e)
				if ce, ok := err.(*websocket.CloseError); ok {
					if ce.Code != websocket.CloseGoingAway {
						t.Errorf("close code %d, want 1001", ce.Code)
					}
					break
				}
				if err != nil {
					t.Errorf("read: %v, want close 1001", err)
					return
				}
				if e.Type == TypeMessage {
					got = append(got, e.Body)
				}
			}
			diff(t, "messages before the close", last, got)
		})
	}
	wg.Wait()
	diff(t, "echo's close", websocket.CloseGoingAway, echo.closeCode())
	ghost.conn.Close()
	diff(t, "after shutdown", http503, dialStatus(t, r.wsURL("/ws"), nil))
}

const http503 = 503
