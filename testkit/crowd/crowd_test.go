package crowd

import (
	"context"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"
)

// counts is the part of a Result that a correct room makes exact.
type counts struct {
	Clients, Connected, DialErrors, Evicted, Delivered, Expected int
	Stalled, StalledEvicted                                      int
}

func countsOf(r Result) counts {
	return counts{r.Clients, r.Connected, r.DialErrors, r.Evicted, r.Delivered, r.Expected, r.Stalled, r.StalledEvicted}
}

func runCrowd(t *testing.T, o Options) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if o.Settle == 0 {
		o.Settle = 50 * time.Millisecond
	}
	res, err := Run(ctx, o)
	if err != nil {
		t.Fatalf("%v (%+v)", err, res)
	}
	return res
}

// A room that keeps up delivers every broadcast to every client, raw or
// wrapped in JSON events, and evicts nobody; the latencies are real.
func TestCorrectRoomDeliversEverything(t *testing.T) {
	for _, tc := range []struct {
		name    string
		room    *testRoom
		payload func(string) []byte
	}{
		{"raw", &testRoom{queue: 256}, Raw},
		{"json", &testRoom{queue: 256, jsonIn: true, announce: true}, JSONBody},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws, stats := startRoom(t, tc.room)
			res := runCrowd(t, Options{URL: ws, StatsURL: stats, Clients: 150, Broadcasts: 20, Payload: tc.payload})
			want := counts{Clients: 150, Connected: 150, Delivered: 150 * 20, Expected: 150 * 20}
			if diff := cmp.Diff(want, countsOf(res)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if res.P50 <= 0 || res.P99 < res.P50 || res.P99 > 5*time.Second {
				t.Errorf("latency p50 %v p99 %v, want 0 < p50 <= p99 < 5s", res.P50, res.P99)
			}
		})
	}
}

// An idle crowd: the memory and goroutines of the server process. Here the
// server is this process, so a connection is the room's reader and writer
// plus the harness's own reader: three goroutines.
func TestIdleCrowdIsMeasured(t *testing.T) {
	ws, stats := startRoom(t, &testRoom{queue: 16})
	res := runCrowd(t, Options{URL: ws, StatsURL: stats, PID: os.Getpid(), Clients: 200})
	if diff := cmp.Diff(counts{Clients: 200, Connected: 200}, countsOf(res)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if res.GoroutinesPerConn < 2.9 || res.GoroutinesPerConn > 3.1 {
		t.Errorf("%.2f goroutines per connection (%d before, %d after), want 3", res.GoroutinesPerConn, res.GoroutinesBefore, res.GoroutinesAfter)
	}
	if res.RSSBefore <= 0 || res.RSSAfter <= 0 {
		t.Errorf("VmRSS %d before, %d after: want both read", res.RSSBefore, res.RSSAfter)
	}
}

// Clients that stop reading are closed by a room with bounded queues, and
// the others get everything: the eviction is seen, and only theirs.
func TestStalledClientsAreEvictedAlone(t *testing.T) {
	ws, _ := startRoom(t, &testRoom{queue: 8})
	res := runCrowd(t, Options{URL: ws, Clients: 50, Stalled: 3, Broadcasts: 40, Pad: 8 << 10})
	want := counts{Clients: 50, Connected: 50, Delivered: 47 * 40, Expected: 47 * 40, Stalled: 3, StalledEvicted: 3}
	if diff := cmp.Diff(want, countsOf(res)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// The failure chapter 05's room had: every arrival announced to everyone,
// faster than a busy server writes, overflows the queues of the clients
// already there, and they are closed with 1008 while the crowd arrives.
func TestArrivalFloodEvicts(t *testing.T) {
	ws, _ := startRoom(t, &testRoom{queue: 2, announce: true, delay: 5 * time.Millisecond})
	res := runCrowd(t, Options{URL: ws, Clients: 200, Broadcasts: 5})
	if res.Evicted == 0 || res.Delivered >= res.Expected {
		t.Errorf("evicted %d, delivered %d of %d: want evictions and losses", res.Evicted, res.Delivered, res.Expected)
	}
	if diff := cmp.Diff(map[int]int{websocket.ClosePolicyViolation: res.Evicted}, res.CloseCodes); diff != "" {
		t.Errorf("close codes (-want +got):\n%s", diff)
	}
}

// A room that has closed all the crowd (not the sender, who comes after
// it): every eviction is counted with its code, and the broadcasts, with
// nobody to wait for, take no time.
func TestEveryoneEvicted(t *testing.T) {
	ws, _ := startRoom(t, &testRoom{queue: 8, kick: 100})
	start := time.Now()
	res := runCrowd(t, Options{URL: ws, Clients: 100, Broadcasts: 20, Wait: time.Second})
	want := counts{Clients: 100, Connected: 100, Evicted: 100, Expected: 2000}
	if diff := cmp.Diff(want, countsOf(res)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[int]int{websocket.ClosePolicyViolation: 100}, res.CloseCodes); diff != "" {
		t.Errorf("close codes (-want +got):\n%s", diff)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("took %v: the broadcasts waited for clients that had gone", took)
	}
}

// A room that loses messages silently costs Wait per broadcast, no more.
func TestMuteRoomCostsWaitPerBroadcast(t *testing.T) {
	ws, _ := startRoom(t, &testRoom{queue: 8, mute: true})
	start := time.Now()
	res := runCrowd(t, Options{URL: ws, Clients: 20, Broadcasts: 4, Wait: 50 * time.Millisecond})
	if diff := cmp.Diff(counts{Clients: 20, Connected: 20, Expected: 80}, countsOf(res)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("took %v", took)
	}
}

// A server that accepts and never answers: Run ends with the context and
// leaves nothing open.
func TestNothingOutlivesTheContext(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		var held []net.Conn // never answered
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	t.Cleanup(func() { ln.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	res, err := Run(ctx, Options{URL: "ws://" + ln.Addr().String() + "/ws", Clients: 300, Broadcasts: 3})
	if err == nil || res.Connected != 0 || res.DialErrors == 0 {
		t.Errorf("err %v, %d connected, %d dial errors: want a context error and failed dials", err, res.Connected, res.DialErrors)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Run took %v past a 300ms context", took)
	}
}

func TestScanFindsThisRunsMarkers(t *testing.T) {
	sent := time.Unix(0, 1700000000123456789)
	frame := `{"type":"message","body":"` + marker("ab12", 7, sent) + ` x"}` + "\n" +
		marker("other", 8, sent) + " " + marker("ab12", 9, sent) + " crowd-ab12-10-" + " crowd-ab12-x"
	type hit struct {
		Seq  int
		Sent int64
	}
	var got []hit
	scan([]byte(frame), []byte("crowd-ab12-"), func(seq int, sent int64) { got = append(got, hit{seq, sent}) })
	want := []hit{{7, sent.UnixNano()}, {9, sent.UnixNano()}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestTooFewFilesSaysSo(t *testing.T) {
	err := raiseNoFile(1 << 40)
	if err == nil || !strings.Contains(err.Error(), "RLIMIT_NOFILE") {
		t.Errorf("err %v, want one naming RLIMIT_NOFILE", err)
	}
}
