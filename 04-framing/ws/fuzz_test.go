package ws

import (
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"example.com/wswalk/04-framing/frame"
)

// FuzzServerConn feeds arbitrary bytes, as a client's frames after the
// handshake, to a server Conn running an echo loop. Whatever arrives, the
// loop must end (no hang), without a panic, and with an error that says
// why: a close from the peer, a protocol error with a close code, or the
// end of the input.
//
//	go test ./04-framing/ws -run '^$' -fuzz FuzzServerConn -fuzztime 30s
func FuzzServerConn(f *testing.F) {
	key := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	masked := func(fin bool, op frame.Opcode, p string) []byte {
		h := frame.Header{Fin: fin, Opcode: op, Masked: true, Key: key, Length: int64(len(p))}
		b := append(frame.AppendHeader(nil, h), p...)
		frame.Mask(key, 0, b[len(b)-len(p):])
		return b
	}
	cat := func(parts ...[]byte) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	f.Add(masked(true, frame.OpText, "Hello"))
	f.Add(cat(masked(false, frame.OpText, "Hel"), masked(true, frame.OpPing, "p"), masked(true, frame.OpContinuation, "lo")))
	f.Add(masked(true, frame.OpClose, "\x03\xe8bye"))
	f.Add(masked(true, frame.OpBinary, string(make([]byte, 300))))
	f.Add([]byte{0x82, 0xff, 0, 0, 0, 0, 0, 0x01, 0, 0, 1, 2, 3, 4})
	f.Fuzz(func(t *testing.T, data []byte) {
		server, client := net.Pipe()
		defer client.Close()
		go io.Copy(io.Discard, client) // whatever the server answers
		go func() {
			client.Write(data)
			client.Close()
		}()
		c := NewServer(server, nil, Options{
			MaxMessage:   64 << 10,
			ReadTimeout:  2 * time.Second,
			WriteTimeout: 2 * time.Second,
			CloseWait:    10 * time.Millisecond,
		})
		done := make(chan error, 1)
		go func() {
			for {
				op, msg, err := c.ReadMessage()
				if err != nil {
					done <- err
					return
				}
				if err := c.WriteMessage(op, msg); err != nil && !errors.Is(err, io.ErrClosedPipe) && !errors.Is(err, ErrClosed) {
					done <- err
					return
				}
			}
		}()
		select {
		case err := <-done:
			if err == nil {
				t.Fatal("the loop ended without an error")
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("the connection hangs on % x", data[:min(len(data), 64)])
		}
	})
}
