//go:build exercises

package server

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"

	"example.com/wswalk/03-raw-handshake/handshake"
	"example.com/wswalk/03-raw-handshake/web"
)

// Exercise 8, a longer greeting: TextFrame writes texts of 126 to 65,535
// bytes with the 16-bit extended length of RFC 6455 §5.2 (the 7-bit field
// says 126, two bytes in network order follow), and keeps the shortest
// form for 125 bytes and less. Gorilla's client, which checks every
// header it reads, must get the greeting whole.
func TestExercise8(t *testing.T) {
	for _, c := range []struct {
		n    int
		head []byte // FIN+text, then the length as §5.2 wants it
	}{
		{125, []byte{0x81, 125}},
		{126, []byte{0x81, 126, 0x00, 0x7e}},
		{300, []byte{0x81, 126, 0x01, 0x2c}},
		{65535, []byte{0x81, 126, 0xff, 0xff}},
	} {
		text := strings.Repeat("a", c.n)
		f, err := handshake.TextFrame(text)
		if err != nil {
			t.Fatalf("TextFrame of %d bytes: %v: want the 16-bit extended length of §5.2 (126, then the length in two bytes)", c.n, err)
		}
		want := fmt.Sprintf("% x + %d bytes of text", c.head, c.n)
		got := fmt.Sprintf("% x + %d bytes of text", f[:min(len(f), len(c.head))], len(f)-len(c.head))
		if diff := cmp.Diff(want, got); diff != "" || string(f[len(c.head):]) != text {
			t.Errorf("TextFrame of %d bytes (-want +got):\n%s", c.n, diff)
		}
	}

	// 300 bytes of greeting, two bytes a character, to gorilla's client.
	greeting := strings.Repeat("ü", 150)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serve(t, &Server{Pages: web.FS, Message: greeting, Logf: t.Logf}, ln)
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	conn, resp, err := d.Dial("ws://"+ln.Addr().String()+DefaultPath, nil)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	resp.Body.Close()
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	kind, msg, err := conn.ReadMessage()
	if err != nil {
		t.Fatalf("gorilla read the greeting of %d bytes: %v", len(greeting), err)
	}
	if kind != websocket.TextMessage || string(msg) != greeting {
		t.Errorf("gorilla got a message of %d bytes (type %d), want the greeting's %d bytes of text", len(msg), kind, len(greeting))
	}
	_, _, err = conn.ReadMessage()
	if !websocket.IsCloseError(err, 1000) {
		t.Errorf("after the greeting: %v, want the close frame 1000", err)
	}
}
