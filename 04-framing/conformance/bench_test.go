package conformance

import (
	"bufio"
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"
)

// The speed side of Autobahn's section 9, ours and the reference side by
// side in one run:
//
//	go test ./04-framing/conformance/ -run '^$' -bench Echo -benchmem
//
// Each op is one binary message written as one masked frame and its echo
// read back whole; Pipelined writes 100 small messages at once, then reads
// the 100 echoes.

func BenchmarkEcho(b *testing.B) {
	servers := []struct {
		name  string
		start func(testing.TB) Target
	}{
		{"gorilla", startGorilla},
		{"hand-rolled", startHandRolled},
	}
	for _, size := range []int{16, 1 << 10, 64 << 10, 1 << 20} {
		for _, srv := range servers {
			b.Run(sizeName(size)+"/"+srv.name, func(b *testing.B) {
				tg := srv.start(b)
				nc, br := benchDial(b, tg)
				msg := bin(binPayload(size)).wire()
				buf := make([]byte, size)
				b.SetBytes(int64(size))
				b.ResetTimer()
				for b.Loop() {
					if _, err := nc.Write(msg); err != nil {
						b.Fatal(err)
					}
					readMessage(b, br, buf)
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			})
		}
	}
	for _, srv := range servers {
		b.Run("Pipelined_100x16/"+srv.name, func(b *testing.B) {
			tg := srv.start(b)
			nc, br := benchDial(b, tg)
			fs := make([]frame, 100)
			for i := range fs {
				fs[i] = bin(binPayload(16))
			}
			batch := frames(fs...)
			buf := make([]byte, 16)
			b.SetBytes(100 * 16)
			b.ResetTimer()
			for b.Loop() {
				if _, err := nc.Write(batch); err != nil {
					b.Fatal(err)
				}
				for range 100 {
					readMessage(b, br, buf)
				}
			}
			b.ReportMetric(100*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

func benchDial(b *testing.B, tg Target) (net.Conn, *bufio.Reader) {
	nc, br, err := handshake(tg.Addr, tg.Path, 5*time.Second)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { nc.Close() })
	return nc, br
}

// readMessage reads one data message of len(buf) bytes from the server,
// fragments and all, into buf.
func readMessage(b *testing.B, br *bufio.Reader, buf []byte) {
	got := 0
	for {
		var h [10]byte
		if _, err := io.ReadFull(br, h[:2]); err != nil {
			b.Fatal(err)
		}
		n := int(h[1] & 0x7F)
		switch n {
		case 126:
			io.ReadFull(br, h[2:4])
			n = int(binary.BigEndian.Uint16(h[2:4]))
		case 127:
			io.ReadFull(br, h[2:10])
			n = int(binary.BigEndian.Uint64(h[2:10]))
		}
		if got+n > len(buf) {
			b.Fatalf("echo longer than the %d bytes sent", len(buf))
		}
		if _, err := io.ReadFull(br, buf[got:got+n]); err != nil {
			b.Fatal(err)
		}
		got += n
		if h[0]&0x80 != 0 {
			break
		}
	}
	if got != len(buf) {
		b.Fatalf("echo of %d bytes, want %d", got, len(buf))
	}
}
