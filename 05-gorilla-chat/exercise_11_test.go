//go:build exercises

package main

import (
	"bufio"
	"crypto/rand"
	"encoding/json"
	"io"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"example.com/wswalk/03-raw-handshake/handshake"
	"example.com/wswalk/04-framing/frame"
	"example.com/wswalk/testkit/cmdtest"
)

// Exercise 11: a body over 4 KiB, sent the way chapter 04's exercise 6
// writes it (fragments of 16 KiB), reaches the room whole once -max-body
// allows it; the read limit still counts the whole message, not a fragment.
func TestExercise11(t *testing.T) {
	if _, usage := cmdtest.Run(t, "-h"); !strings.Contains(usage, "-max-body") {
		t.Fatal("05 has no -max-body flag: a chat body over 4 KiB is always refused, so a message " +
			"long enough to travel in 16 KiB fragments never reaches the room")
	}
	p := cmdtest.Start(t, "-addr", "127.0.0.1:0", "-max-body", "20000", "-max-message", "30000")
	u, err := url.Parse(p.URL)
	if err != nil {
		t.Fatal(err)
	}
	ann, _, err := websocket.DefaultDialer.Dial("ws://"+u.Host+"/ws?username=ann", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ann.Close()

	frag := dialByHand(t, u.Host, "/ws?username=frag")
	body := strings.Repeat("x", 17000)
	msg, _ := json.Marshal(map[string]string{"body": body})
	frag.send(t, msg, 16<<10) // two fragments: 16 KiB, then the rest

	for {
		ann.SetReadDeadline(time.Now().Add(5 * time.Second))
		var e struct{ Type, Username, Body string }
		if err := ann.ReadJSON(&e); err != nil {
			t.Fatalf("ann got no message from frag (%v): the 17,000-byte body sent in two fragments "+
				"did not reach the room with -max-body 20000", err)
		}
		if e.Type == "message" && e.Username == "frag" {
			if e.Body != body {
				t.Fatalf("ann got a body of %d bytes, want the 17,000 sent, whole", len(e.Body))
			}
			break
		}
	}

	// Four fragments of 10,000 bytes: each under -max-message 30000, the
	// message over it. The room must close with 1009 (message too big).
	big := make([]byte, 40000)
	for i := range big {
		big[i] = 'y'
	}
	frag.send(t, big, 10000)
	if code := frag.closeCode(t); code != frame.CloseMessageTooBig {
		t.Fatalf("a message of 40,000 bytes in fragments of 10,000 under -max-message 30000: close %d, want 1009", code)
	}
}

// handConn is a connection spoken by hand with chapters 03 and 04.
type handConn struct {
	nc net.Conn
	br *bufio.Reader
}

func dialByHand(t *testing.T, host, target string) *handConn {
	t.Helper()
	nc, err := net.DialTimeout("tcp", host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(nc)
	if _, _, err := handshake.ClientHandshake(nc, br, handshake.ClientRequest{Host: host, Target: target}); err != nil {
		t.Fatal(err)
	}
	return &handConn{nc, br}
}

// send writes msg as a text message cut into fragments of at most size
// bytes: text with FIN=0, continuations, the last with FIN=1 (§5.4).
func (c *handConn) send(t *testing.T, msg []byte, size int) {
	t.Helper()
	op := frame.OpText
	for len(msg) > 0 {
		n := min(size, len(msg))
		h := frame.Header{Fin: n == len(msg), Opcode: op, Masked: true}
		rand.Read(h.Key[:])
		if err := frame.WriteFrame(c.nc, h, msg[:n]); err != nil {
			t.Fatalf("write fragment: %v", err)
		}
		msg, op = msg[n:], frame.OpContinuation
	}
}

// closeCode reads frames until the server's close frame and returns its
// code (0 when the connection ended without one).
func (c *handConn) closeCode(t *testing.T) frame.CloseCode {
	t.Helper()
	c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		h, err := frame.ReadHeader(c.br)
		if err != nil {
			return 0
		}
		payload := make([]byte, h.Length)
		if _, err := io.ReadFull(c.br, payload); err != nil {
			return 0
		}
		if h.Opcode == frame.OpClose {
			code, _, _ := frame.ParseClose(payload)
			return code
		}
	}
}
