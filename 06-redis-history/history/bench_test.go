package history

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"example.com/wswalk/05-gorilla-chat/chat"
	"example.com/wswalk/testkit/redistest"
	"github.com/gorilla/websocket"
)

// How many messages a second each history persists, one Add after the
// other (each a round trip to Redis for the Room), and with 8 senders at
// once.
func BenchmarkHistoryAppend(b *testing.B) {
	url := redistest.URL(b)
	msg := chat.Event{Type: chat.TypeMessage, Username: "ann", Body: "a message of some forty bytes, typical"}
	run := func(b *testing.B, h chat.History, parallel bool) {
		ctx := context.Background()
		b.ReportAllocs()
		if parallel {
			b.SetParallelism(4) // 4 senders per CPU: 8 on this machine
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := h.Add(ctx, msg); err != nil {
						b.Error(err)
						return
					}
				}
			})
		} else {
			for b.Loop() {
				if _, err := h.Add(ctx, msg); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	}
	b.Run("memory", func(b *testing.B) { run(b, chat.NewMemoryHistory(100), false) })
	b.Run("redis", func(b *testing.B) { run(b, open(b, url, uniqueRoom(b, url), 100, nil), false) })
	b.Run("redis-parallel", func(b *testing.B) { run(b, open(b, url, uniqueRoom(b, url), 100, nil), true) })
}

// What a joiner waits for its 100 messages of history: one LRANGE and 100
// JSON decodes for the Room, a copy for the in-memory history.
func BenchmarkReplay100(b *testing.B) {
	url := redistest.URL(b)
	run := func(b *testing.B, h chat.History) {
		ctx := context.Background()
		for i := range 100 {
			if _, err := h.Add(ctx, chat.Event{Type: chat.TypeMessage, Username: "ann", Body: fmt.Sprintf("message %d", i)}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		for b.Loop() {
			got, err := h.Since(ctx, chat.Cursor{})
			if err != nil || len(got) != 100 {
				b.Fatalf("Since: %d events, %v", len(got), err)
			}
		}
	}
	b.Run("memory", func(b *testing.B) { run(b, chat.NewMemoryHistory(100)) })
	b.Run("redis", func(b *testing.B) { run(b, open(b, url, uniqueRoom(b, url), 100, nil)) })
}

// benchQueue is the send queue per client in BenchmarkDelivery, the same
// for every room measured. At tens of thousands of messages a second the
// default 64 is 2 ms of work, and a writer goroutine that this 2-core
// machine does not schedule for 2 ms gets its client dropped as too slow,
// which is chapter 05's policy doing its job, not what is measured here.
const benchQueue = 4096

// The delay from a client sending a message to another client receiving
// it: in chapter 05's in-memory room, in a Redis room on one server (the
// script stores and publishes it, the subscription brings it back), and
// across two servers on one Redis room. Reported as the median and p99.
func BenchmarkDelivery(b *testing.B) {
	url := redistest.URL(b)
	b.Run("05-memory-one-server", func(b *testing.B) {
		srv := chat.NewServer(chat.Config{Logger: quiet, SendQueue: benchQueue})
		ts := httptest.NewServer(srv)
		b.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			srv.Shutdown(ctx)
			ts.Close()
		})
		wsURL := "ws" + strings.TrimPrefix(ts.URL, "http") + "/ws?"
		measureDelivery(b, wsURL, wsURL)
	})
	b.Run("06-redis-one-server", func(b *testing.B) {
		n := startNodeWith(b, url, uniqueRoom(b, url), 100, nil, chat.Config{SendQueue: benchQueue})
		measureDelivery(b, n.wsURL(""), n.wsURL(""))
	})
	b.Run("06-redis-two-servers", func(b *testing.B) {
		room := uniqueRoom(b, url)
		cfg := chat.Config{SendQueue: benchQueue}
		from, to := startNodeWith(b, url, room, 100, nil, cfg), startNodeWith(b, url, room, 100, nil, cfg)
		measureDelivery(b, from.wsURL(""), to.wsURL(""))
	})
}

var deliveryRound atomic.Int64

// measureDelivery has a sender on fromURL send b.N messages, one at a time,
// each waited for by a receiver on toURL.
func measureDelivery(b *testing.B, fromURL, toURL string) {
	// Names of their own per round: b.N ramps up on the same servers, and
	// a presence notice names only the latest who came or went.
	round := strconv.Itoa(int(deliveryRound.Add(1)))
	sender := dialPeer(b, fromURL+"username=sender-"+round)
	receiver := dialPeer(b, toURL+"username=receiver-"+round)
	// Both in the room, and the sender knows of the receiver.
	sender.waitFor(func(e chat.Event) bool {
		return e.Type == chat.TypeOnline && slices.Contains(names(e.Members), "receiver-"+round)
	})
	go func() { // the sender's own copies must be read, or it is dropped as slow
		for {
			if _, _, err := sender.conn.ReadMessage(); err != nil {
				return
			}
		}
	}()
	delays := make([]time.Duration, 0, b.N)
	i := 0
	for b.Loop() {
		i++
		body := fmt.Sprintf("m%d", i)
		start := time.Now()
		if err := sender.conn.WriteJSON(map[string]string{"body": body}); err != nil {
			b.Fatal(err)
		}
		receiver.waitFor(func(e chat.Event) bool { return e.Type == chat.TypeMessage && e.Body == body })
		delays = append(delays, time.Since(start))
	}
	slices.Sort(delays)
	b.ReportMetric(float64(delays[len(delays)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(delays[len(delays)*99/100].Microseconds()), "p99-µs")
	sender.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
}
