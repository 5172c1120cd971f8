package server

import (
	"fmt"
	"testing"

	"github.com/gorilla/websocket"

	"example.com/wswalk/04-framing/internal/gorillaecho"
)

// BenchmarkEcho compares our /echo with an echo server written with
// gorilla/websocket, side by side in one run, with the same client
// (gorilla's) sending one message and waiting for its echo each round trip.
// MB/s counts the payload one way; msgs/s is round trips per second.
//
//	go test ./04-framing/server -run '^$' -bench Echo -benchmem
func BenchmarkEcho(b *testing.B) {
	_, ours := start(b, Config{MaxMessage: 1 << 20})
	theirs := gorillaEchoServer(b)
	for _, size := range []int{125, 64 << 10} {
		msg := pattern(size)
		for _, srv := range []struct{ name, url string }{
			{"ours", "ws://" + ours + EchoPath},
			{"gorilla", theirs},
		} {
			b.Run(fmt.Sprintf("%s/%s", sizeName(size), srv.name), func(b *testing.B) {
				c, resp, err := websocket.DefaultDialer.Dial(srv.url, nil)
				if err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
				defer c.Close()
				b.SetBytes(int64(size))
				b.ResetTimer()
				for b.Loop() {
					if err := c.WriteMessage(websocket.BinaryMessage, msg); err != nil {
						b.Fatal(err)
					}
					if _, _, err := c.ReadMessage(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			})
		}
	}
}

// gorillaEchoServer is the reference: gorilla's Upgrader on net/http,
// reading and writing whole messages like our Echo.
func gorillaEchoServer(b *testing.B) string {
	return gorillaecho.Start(b, 1<<20)
}

func sizeName(n int) string {
	if n >= 1<<10 {
		return fmt.Sprintf("%dKiB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}
