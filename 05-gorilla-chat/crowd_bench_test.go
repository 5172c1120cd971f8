package main

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"example.com/wswalk/testkit/cmdtest"
	"example.com/wswalk/testkit/crowd"
)

// The crowd benchmarks measure the room as a person runs it: the real
// command with no flags but a free port, in a process of its own (so that
// its memory is its own), under the load of a server restart: every
// browser reconnecting at once, 100 dials at a time, each reading from its
// first byte. Beside it, under the same load, the reference: a room in the
// shape of gorilla's examples/chat (internal/gorillaroom), also a process
// of its own. Each iteration starts a fresh server and takes tens of
// seconds, so one iteration is the useful count:
//
//	go test ./05-gorilla-chat -run '^$' -bench Crowd -benchtime 1x

// crowdRoom is one server to measure.
type crowdRoom struct {
	name    string
	start   func(testing.TB) *cmdtest.Proc
	payload func(string) []byte
}

var crowdRooms = []crowdRoom{
	{"05", func(tb testing.TB) *cmdtest.Proc {
		return cmdtest.Start(tb, "-addr", "127.0.0.1:0")
	}, crowd.JSONBody},
	{"reference", func(tb testing.TB) *cmdtest.Proc {
		// gorillaroom.Main, given this name in TestMain.
		return cmdtest.StartMain(tb, "reference", "-addr", "127.0.0.1:0")
	}, crowd.Raw},
}

// crowdRun starts room, lets o's crowd arrive at it, and stops the room.
func crowdRun(b *testing.B, room crowdRoom, o crowd.Options) crowd.Result {
	b.Helper()
	p := room.start(b)
	o.URL, o.StatsURL = crowd.URLs(p.URL, "/ws")
	o.PID, o.Payload = p.PID(), room.payload
	ctx, cancel := context.WithTimeout(b.Context(), 100*time.Second)
	defer cancel()
	res, err := crowd.Run(ctx, o)
	if err != nil {
		b.Fatalf("%v\n%+v", err, res)
	}
	p.Stop(b, 5*time.Second)
	codes := slices.Sorted(maps.Keys(res.CloseCodes))
	b.Logf("%d clients: %d connected in %v (%d dial errors %q); evicted %d, close codes %v %v",
		res.Clients, res.Connected, res.Arrival.Round(time.Millisecond), res.DialErrors, res.DialError,
		res.Evicted, codes, res.CloseCodes)
	return res
}

// BenchmarkCrowdArrival: 1,000 clients arrive, then 50 broadcasts, each
// sent when the last has reached everyone still connected. Reported:
// clients evicted, (client, broadcast) pairs delivered and expected, and
// the delivery latency, send to receive, median and 99th percentile.
func BenchmarkCrowdArrival(b *testing.B) {
	for _, room := range crowdRooms {
		b.Run("room="+room.name, func(b *testing.B) {
			var evicted, delivered, expected, p50, p99 float64
			for b.Loop() {
				res := crowdRun(b, room, crowd.Options{Clients: 1000, Broadcasts: 50})
				evicted += float64(res.Evicted)
				delivered += float64(res.Delivered)
				expected += float64(res.Expected)
				p50 += res.P50.Seconds() * 1000
				p99 += res.P99.Seconds() * 1000
			}
			n := float64(b.N)
			b.ReportMetric(evicted/n, "evicted")
			b.ReportMetric(delivered/n, "delivered")
			b.ReportMetric(expected/n, "expected")
			b.ReportMetric(p50/n, "p50-ms")
			b.ReportMetric(p99/n, "p99-ms")
		})
	}
}

// BenchmarkCrowdIdle: 10,000 clients arrive and stay silent. Reported:
// clients evicted, and what each connection costs the server process,
// in resident memory (VmRSS once settled, less VmRSS before the first
// dial) and in goroutines (from /stats).
func BenchmarkCrowdIdle(b *testing.B) {
	for _, room := range crowdRooms {
		b.Run("room="+room.name, func(b *testing.B) {
			var evicted, rssKiB, goroutines float64
			for b.Loop() {
				res := crowdRun(b, room, crowd.Options{Clients: 10000})
				evicted += float64(res.Evicted)
				rssKiB += res.RSSPerConn / 1024
				goroutines += res.GoroutinesPerConn
			}
			n := float64(b.N)
			b.ReportMetric(evicted/n, "evicted")
			b.ReportMetric(rssKiB/n, "rss-KiB/conn")
			b.ReportMetric(goroutines/n, "goroutines/conn")
		})
	}
}
