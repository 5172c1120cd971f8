package server

import (
	"bufio"
	"net"
	"net/url"
	"runtime"
	"testing"
	"time"

	"example.com/wswalk/03-raw-handshake/handshake"
	"example.com/wswalk/04-framing/frame"
)

// BenchmarkIdleConnections opens 1,000 WebSocket connections to our /echo
// and to gorilla's echo server, side by side, leaves them idle, and reports
// the memory (heap and goroutine stacks) and the goroutines each one costs.
// Both figures include the test's own client end of each connection, which
// is the same for both servers. The measurement is done once per run:
//
//	go test ./04-framing/server -run '^$' -bench IdleConnections -benchtime 1x
func BenchmarkIdleConnections(b *testing.B) {
	const n = 1000
	_, ours := start(b, Config{})
	theirs, err := url.Parse(gorillaEchoServer(b))
	if err != nil {
		b.Fatal(err)
	}
	for _, srv := range []struct{ name, addr string }{
		{"ours", ours},
		{"gorilla", theirs.Host},
	} {
		b.Run(srv.name, func(b *testing.B) {
			for b.Loop() {
				bytes, goroutines := idleCost(b, srv.addr, n)
				b.ReportMetric(bytes/n, "B/conn")
				b.ReportMetric(goroutines/n, "goroutines/conn")
			}
		})
	}
}

// idleCost opens n connections, makes sure each one's server side is
// waiting for a frame (a ping and its pong), and returns the growth of
// heap plus stack memory and of the goroutine count.
func idleCost(b *testing.B, addr string, n int) (bytes, goroutines float64) {
	before, g0 := memInUse()
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
		// Let the servers' goroutines end, so that the next run starts
		// from the same state (-benchtime longer than 1x repeats this).
		for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > g0 && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
	}()
	ping := rawFrame(frame.Header{Fin: true, Opcode: frame.OpPing, Masked: true, Key: testKey}, "")
	for range n {
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		conns = append(conns, nc)
		br := bufio.NewReaderSize(nc, 64)
		if _, _, err := handshake.ClientHandshake(nc, br, handshake.ClientRequest{Host: addr, Target: EchoPath}); err != nil {
			b.Fatal(err)
		}
		nc.Write(ping)
		if _, err := frame.ReadHeader(br); err != nil { // the pong: the server is reading frames
			b.Fatal(err)
		}
	}
	after, g1 := memInUse()
	return float64(after - before), float64(g1 - g0)
}

func memInUse() (uint64, int) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse + m.StackInuse, runtime.NumGoroutine()
}
