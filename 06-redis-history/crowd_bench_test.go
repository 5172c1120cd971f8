package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"example.com/wswalk/testkit/cmdtest"
	"example.com/wswalk/testkit/crowd"
	"example.com/wswalk/testkit/redistest"
)

func TestMain(m *testing.M) { cmdtest.Main(m, main) }

// BenchmarkCrowdIdle: 10,000 idle clients arrive at one server, as after
// a restart, side by side with chapter 05's room: this command with a
// Redis that does not answer, which falls back to chapter 05's in-memory
// room (one warning at start). Each server is the real command in a
// process of its own. Reported: clients evicted, resident memory and
// goroutines per connection, and how often the room's channel was lost
// while they arrived (each time it is, other servers are out of reach).
//
//	go test ./06-redis-history -run '^$' -bench Crowd -benchtime 1x
func BenchmarkCrowdIdle(b *testing.B) {
	redisURL := redistest.URL(b)
	rooms := []struct{ name, redis string }{
		{"06", redisURL},
		{"05", "redis://127.0.0.1:1/0"}, // nothing listens there
	}
	for _, room := range rooms {
		b.Run("room="+room.name, func(b *testing.B) {
			var evicted, rssKiB, goroutines, lost float64
			for b.Loop() {
				p := cmdtest.Start(b, "-addr", "127.0.0.1:0", "-redis", room.redis,
					"-room", "crowd-"+strings.ReplaceAll(b.Name(), "/", "-"))
				o := crowd.Options{Clients: 10000, Payload: crowd.JSONBody, PID: p.PID()}
				o.URL, o.StatsURL = crowd.URLs(p.URL, "/ws")
				ctx, cancel := context.WithTimeout(b.Context(), 100*time.Second)
				res, err := crowd.Run(ctx, o)
				cancel()
				if err != nil {
					b.Fatalf("%v\n%+v", err, res)
				}
				p.Stop(b, 5*time.Second)
				evicted += float64(res.Evicted)
				rssKiB += res.RSSPerConn / 1024
				goroutines += res.GoroutinesPerConn
				lost += float64(strings.Count(p.Stderr(), "room channel lost"))
				b.Logf("%d of %d connected in %v, %d evicted", res.Connected, res.Clients,
					res.Arrival.Round(time.Millisecond), res.Evicted)
			}
			n := float64(b.N)
			b.ReportMetric(evicted/n, "evicted")
			b.ReportMetric(rssKiB/n, "rss-KiB/conn")
			b.ReportMetric(goroutines/n, "goroutines/conn")
			b.ReportMetric(lost/n, "channel-lost")
		})
	}
}
