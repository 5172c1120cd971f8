package chat

import (
	"bufio"
	"example.com/wswalk/04-framing/room"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"
)

// BenchmarkIdleConnections opens 5,000 WebSockets that then say nothing,
// and reports what each costs the server in Go memory (heap in use plus
// goroutine stacks, after a GC) and in goroutines. The clients are bare
// TCP connections that did the handshake by hand, so what they hold on
// this side (a socket and a few hundred bytes) is most of the rest.
//
//	go test ./05-gorilla-chat/chat -run '^$' -bench IdleConnections -benchtime 1x
func BenchmarkIdleConnections(b *testing.B) {
	const n = 5000
	for b.Loop() {
		s := NewServer(Config{Logger: quiet})
		ts := httptest.NewServer(s)
		addr := ts.Listener.Addr().String()

		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		goroutines := runtime.NumGoroutine()

		conns := make([]net.Conn, 0, n)
		for range n {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				b.Fatal(err)
			}
			conns = append(conns, c)
			c.Write([]byte("GET /ws?username=idle HTTP/1.1\r\nHost: " + addr + "\r\n" +
				"Upgrade: websocket\r\nConnection: Upgrade\r\n" +
				"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"))
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
				b.Fatalf("handshake: %v %v", resp, err)
			}
		}
		// The last ones may still be between the handshake and the hub.
		for deadline := time.Now().Add(10 * time.Second); s.Stats().Clients < n; {
			if time.Now().After(deadline) {
				b.Fatalf("%d of %d clients in the room", s.Stats().Clients, n)
			}
			time.Sleep(10 * time.Millisecond)
		}
		// Let the last presence notice be written: then the writers,
		// which run only while there is something to write, are gone.
		time.Sleep(3 * room.DefaultPresenceEvery)
		runtime.GC()
		runtime.ReadMemStats(&after)
		perConn := float64(after.HeapInuse+after.StackInuse-before.HeapInuse-before.StackInuse) / n
		b.ReportMetric(perConn, "B/conn")
		b.ReportMetric(float64(after.StackInuse-before.StackInuse)/n, "stack-B/conn")
		b.ReportMetric(float64(runtime.NumGoroutine()-goroutines)/n, "goroutines/conn")

		for _, c := range conns {
			c.Close()
		}
		s.Shutdown(b.Context())
		ts.Close()
	}
}
