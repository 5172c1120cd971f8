package server

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"example.com/wswalk/03-raw-handshake/handshake"
	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"
)

// TestGorillaDialer connects gorilla/websocket's client — a real, independent
// implementation — to the hand-written server, and checks what it receives:
// the text frame, then the close frame with its code and reason.
func TestGorillaDialer(t *testing.T) {
	_, addr := start(t, handshake.Config{Subprotocols: []string{"v2.hello", "v1.hello"}})
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second, Subprotocols: []string{"v1.hello", "v2.hello"}}
	hdr := http.Header{"Origin": {"http://" + addr}}
	conn, resp, err := d.Dial("ws://"+addr+DefaultPath, hdr)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))

	type got struct {
		Status      int
		Subprotocol string
		Kind        int
		Text        string
		Close       *websocket.CloseError
	}
	g := got{Status: resp.StatusCode, Subprotocol: conn.Subprotocol()}
	var msg []byte
	g.Kind, msg, err = conn.ReadMessage()
	if err != nil {
		t.Fatalf("ReadMessage: %v", err)
	}
	g.Text = string(msg)
	_, _, err = conn.ReadMessage()
	g.Close, _ = err.(*websocket.CloseError)

	want := got{
		Status:      101,
		Subprotocol: "v2.hello", // the server's preference, not the client's first
		Kind:        websocket.TextMessage,
		Text:        DefaultMessage,
		Close:       &websocket.CloseError{Code: 1000, Text: DefaultCloseReason},
	}
	if diff := cmp.Diff(want, g); diff != "" {
		t.Errorf("what gorilla received (-want +got):\n%s\nlast error: %v", diff, err)
	}
}

// TestFrameBehindHandshake sends the handshake and the client's close frame
// in a single write, as a client that does not wait for the 101 may. The
// server must find the close frame in its buffered reader — not lose it
// with the request, as a single recv(1024) would — and so hang up at once
// rather than after CloseWait.
func TestFrameBehindHandshake(t *testing.T) {
	_, addr := start(t, handshake.Config{})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	key := handshake.NewKey()
	var req strings.Builder
	if err := handshake.WriteRequest(&req, handshake.ClientRequest{Host: addr, Target: DefaultPath, Key: key}); err != nil {
		t.Fatal(err)
	}
	// A masked close frame with code 1000 (§5.5.1), mask key 0x00000000 to
	// keep it readable: FIN+close, MASK+length 2, key, 0x03 0xE8.
	closeFrame := "\x88\x82\x00\x00\x00\x00\x03\xe8"
	start := time.Now()
	if _, err := io.WriteString(conn, req.String()+closeFrame); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	all, err := io.ReadAll(conn) // until the server closes
	if err != nil {
		t.Fatalf("read until close: %v", err)
	}
	if waited := time.Since(start); waited >= CloseWait {
		t.Errorf("server took %v to hang up: it did not see the close frame sent behind the request", waited)
	}
	br := bufio.NewReader(strings.NewReader(string(all)))
	resp, err := handshake.ReadResponse(br)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := handshake.CheckResponse(resp, handshake.ClientRequest{Key: key}); err != nil {
		t.Fatal(err)
	}
	text, _ := handshake.TextFrame(DefaultMessage)
	closing, _ := handshake.CloseFrame(1000, DefaultCloseReason)
	rest, _ := io.ReadAll(br)
	if diff := cmp.Diff(append(text, closing...), rest); diff != "" {
		t.Errorf("frames after the 101 (-want +got):\n%s", diff)
	}
}

// TestMalformedHandshakes sends broken handshakes over real TCP and checks
// the status line, the header the status calls for, and the reason.
func TestMalformedHandshakes(t *testing.T) {
	_, addr := start(t, handshake.Config{}, "https://friend.example")
	_, port, _ := net.SplitHostPort(addr)
	// The client's close frame, sent behind a handshake that succeeds, so
	// the server need not wait CloseWait for it.
	const clientClose = "\x88\x80\x00\x00\x00\x00"
	greeting := "\x81&" + DefaultMessage + "\x88\x19\x03\xe8" + DefaultCloseReason
	good := func(host string) string {
		return "GET /ws HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
	}
	tests := []struct {
		name, raw  string
		wantStatus string
		wantField  string // a header line the response must carry
		wantBody   string
	}{
		{"POST", "POST /ws HTTP/1.1\r\nHost: " + addr + "\r\n\r\n",
			"HTTP/1.1 405 Method Not Allowed", "Allow: GET", "a WebSocket handshake must use GET\n"},
		{"HTTP/1.0", strings.Replace(good(addr), "HTTP/1.1", "HTTP/1.0", 1) + "\r\n",
			"HTTP/1.1 400 Bad Request", "Connection: close", "a WebSocket handshake needs HTTP/1.1 or later\n"},
		{"no Upgrade", "GET /ws HTTP/1.1\r\nHost: " + addr + "\r\n\r\n",
			"HTTP/1.1 400 Bad Request", "Content-Type: text/plain; charset=utf-8", "Upgrade header must contain \"websocket\"\n"},
		{"bad key", strings.Replace(good(addr), "dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ=", 1) + "\r\n",
			"HTTP/1.1 400 Bad Request", "Connection: close", "Sec-WebSocket-Key must be base64 of 16 bytes\n"},
		{"version 8", strings.Replace(good(addr), "Version: 13", "Version: 8", 1) + "\r\n",
			"HTTP/1.1 426 Upgrade Required", "Sec-WebSocket-Version: 13", "only Sec-WebSocket-Version 13 is supported\n"},
		{"foreign origin", good(addr) + "Origin: http://evil.example\r\n\r\n",
			"HTTP/1.1 403 Forbidden", "Connection: close", "origin not allowed\n"},
		// A page of evil.example whose name now resolves to 127.0.0.1: its
		// Host and Origin agree, and both are the attacker's.
		{"DNS rebinding", good("evil.example:"+port) + "Origin: http://evil.example:" + port + "\r\n\r\n",
			"HTTP/1.1 403 Forbidden", "Connection: close", "origin not allowed\n"},
		{"same origin by localhost", good(addr) + "Origin: http://localhost:" + port + "\r\n\r\n" + clientClose,
			"HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", greeting},
		{"an origin on the allow list", good(addr) + "Origin: https://friend.example\r\n\r\n" + clientClose,
			"HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", greeting},
		{"header over 8 KiB", good(addr) + strings.Repeat("X-Pad: "+strings.Repeat("p", 100)+"\r\n", 90) + "\r\n",
			"HTTP/1.1 431 Request Header Fields Too Large", "Connection: close", "request header over 8 KiB\n"},
		{"HTTP/2.0", "GET /ws HTTP/2.0\r\n\r\n",
			"HTTP/1.1 505 HTTP Version Not Supported", "Connection: close", "only HTTP/1.x is spoken here\n"},
		{"garbage", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", // a TLS ClientHello on the plain port
			"HTTP/1.1 400 Bad Request", "Connection: close", "malformed request line\n"},
		{"upgrade at the wrong path", strings.Replace(good(addr), "/ws", "/", 1) + "\r\n",
			"HTTP/1.1 404 Not Found", "Connection: close", "no WebSocket endpoint at /\n"},
		{"absolute-form target", strings.Replace(good(addr), "/ws", "http://"+addr+"/ws?x", 1) + "Sec-WebSocket-Protocol: chat\r\n\r\n" +
			clientClose, "HTTP/1.1 101 Switching Protocols", "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", greeting},
		{"no such page", "GET /nope HTTP/1.1\r\nHost: " + addr + "\r\n\r\n",
			"HTTP/1.1 404 Not Found", "Connection: close", "no such page: /nope\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := roundTrip(t, addr, tt.raw)
			head, body, _ := strings.Cut(resp, "\r\n\r\n")
			status, _, _ := strings.Cut(head, "\r\n")
			type answer struct {
				Status   string
				HasField bool
				Body     string
			}
			got := answer{status, strings.Contains(head+"\r\n", "\r\n"+tt.wantField+"\r\n"), body}
			want := answer{tt.wantStatus, true, tt.wantBody}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("answer (-want +got):\n%s\nfull response:\n%s", diff, resp)
			}
		})
	}
}

// roundTrip writes raw to a new connection and reads until the server
// closes it.
func roundTrip(t *testing.T, addr, raw string) string {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	resp, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("read response: %v (got %q)", err, resp)
	}
	return string(resp)
}

// TestServesPage checks that the page and its assets come from the same
// port as the WebSocket, with their content types.
func TestServesPage(t *testing.T) {
	_, addr := start(t, handshake.Config{})
	type page struct {
		Status, Type string
		HasMarker    bool
	}
	tests := []struct {
		path, marker string
		want         page
	}{
		{"/", "new WebSocket", page{"HTTP/1.1 200 OK", "Content-Type: text/html; charset=utf-8", true}},
		{"/index.html", "<title>", page{"HTTP/1.1 200 OK", "Content-Type: text/html; charset=utf-8", true}},
		{"/app.js", "new WebSocket(", page{"HTTP/1.1 200 OK", "Content-Type: text/javascript; charset=utf-8", true}},
		{"/handshake.css", ".byte", page{"HTTP/1.1 200 OK", "Content-Type: text/css; charset=utf-8", true}},
		// The course's look and state badge, served from chapter 01.
		{"/style.css", ".state-ok", page{"HTTP/1.1 200 OK", "Content-Type: text/css; charset=utf-8", true}},
		{"/ui.js", "export function setState", page{"HTTP/1.1 200 OK", "Content-Type: text/javascript; charset=utf-8", true}},
		{"/../../etc/passwd", "root:", page{"HTTP/1.1 404 Not Found", "Content-Type: text/plain; charset=utf-8", false}},
	}
	for _, tt := range tests {
		resp := roundTrip(t, addr, "GET "+tt.path+" HTTP/1.1\r\nHost: "+addr+"\r\n\r\n")
		head, body, _ := strings.Cut(resp, "\r\n\r\n")
		status, _, _ := strings.Cut(head, "\r\n")
		ctype := ""
		for line := range strings.SplitSeq(head, "\r\n") {
			if strings.HasPrefix(line, "Content-Type:") {
				ctype = line
			}
		}
		got := page{status, ctype, strings.Contains(body, tt.marker)}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("GET %s (-want +got):\n%s", tt.path, diff)
		}
	}
}

// TestSlowClient checks that a client cannot hold a connection by sending
// its request slowly or not at all: the deadline covers the whole request.
func TestSlowClient(t *testing.T) {
	const timeout = 300 * time.Millisecond
	_, addr := start(t, handshake.Config{Timeout: timeout})

	t.Run("trickling bytes", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		// One byte every 50ms, forever: each read succeeds, but the whole
		// request never arrives before the deadline.
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			for _, b := range []byte("GET /ws HTTP/1.1\r\nX-Slow: " + strings.Repeat("z", 1000)) {
				select {
				case <-stop:
					return
				case <-time.After(50 * time.Millisecond):
				}
				if _, err := conn.Write([]byte{b}); err != nil {
					return
				}
			}
		}()
		begin := time.Now()
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, _ := io.ReadAll(conn)
		status, _, _ := strings.Cut(string(resp), "\r\n")
		if diff := cmp.Diff("HTTP/1.1 408 Request Timeout", status); diff != "" {
			t.Errorf("status (-want +got):\n%s", diff)
		}
		if waited := time.Since(begin); waited > 10*timeout {
			t.Errorf("server held the trickling client for %v (deadline %v)", waited, timeout)
		}
	})

	t.Run("silent", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		begin := time.Now()
		resp, err := io.ReadAll(conn)
		if err != nil {
			t.Fatalf("the server never closed the silent connection: %v", err)
		}
		status, _, _ := strings.Cut(string(resp), "\r\n")
		if diff := cmp.Diff("HTTP/1.1 408 Request Timeout", status); diff != "" {
			t.Errorf("status (-want +got):\n%s", diff)
		}
		if waited := time.Since(begin); waited > 10*timeout {
			t.Errorf("server held the silent client for %v (deadline %v)", waited, timeout)
		}
	})

	t.Run("never closes after the handshake", func(t *testing.T) {
		// A client that completes the handshake but never answers the close
		// frame is dropped after CloseWait.
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		br := bufio.NewReader(conn)
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		if _, _, err := handshake.ClientHandshake(conn, br, handshake.ClientRequest{Host: addr, Target: DefaultPath}); err != nil {
			t.Fatal(err)
		}
		begin := time.Now()
		rest, err := io.ReadAll(br)
		if err != nil {
			t.Fatalf("the server never hung up: %v", err)
		}
		text, _ := handshake.TextFrame(DefaultMessage)
		closing, _ := handshake.CloseFrame(1000, DefaultCloseReason)
		if diff := cmp.Diff(append(text, closing...), rest); diff != "" {
			t.Errorf("frames (-want +got):\n%s", diff)
		}
		if waited := time.Since(begin); waited > CloseWait+3*time.Second {
			t.Errorf("server waited %v for a close frame, CloseWait is %v", waited, CloseWait)
		}
	})
}

// TestShutdown checks that Shutdown ends Serve, refuses new connections,
// and does not wait for a client stuck in its handshake longer than ctx.
func TestShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Config: handshake.Config{Timeout: time.Minute}, Logf: t.Logf}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()

	stuck, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer stuck.Close()
	io.WriteString(stuck, "GET /ws HTTP/1.1\r\n") // and nothing more

	time.Sleep(50 * time.Millisecond) // let the server accept it
	ctx, cancel := contextWithTimeout(200 * time.Millisecond)
	defer cancel()
	begin := time.Now()
	shutdownErr := s.Shutdown(ctx)
	serveErr := <-done
	type result struct {
		Shutdown, Serve string
		Quick           bool
	}
	got := result{errText(shutdownErr), errText(serveErr), time.Since(begin) < 5*time.Second}
	want := result{"context deadline exceeded", ErrServerClosed.Error(), true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("shutdown (-want +got):\n%s", diff)
	}
	if c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		c.Close()
		t.Error("the listener still accepts connections after Shutdown")
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestOversizedHeaderAnswered sends a header far over the limit, all of it
// before reading, as a simple client does: the server stops reading at
// 8 KiB, answers 431 while the client is still sending, and the answer must
// reach the client all the same (see lingerClose).
func TestOversizedHeaderAnswered(t *testing.T) {
	t.Parallel()
	_, addr := start(t, handshake.Config{})
	for range 3 {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		// Write it all before reading, as a simple client does; the server
		// stops reading at 8 KiB, so this write outlives the answer.
		_, werr := io.WriteString(conn, "GET /ws HTTP/1.1\r\nX-Pad: "+strings.Repeat("p", 200<<10)+"\r\n\r\n")
		resp, err := io.ReadAll(conn)
		conn.Close()
		status, _, _ := strings.Cut(string(resp), "\r\n")
		if diff := cmp.Diff("HTTP/1.1 431 Request Header Fields Too Large", status); diff != "" {
			t.Fatalf("status (-want +got):\n%s\nwrite error: %v, read error: %v", diff, werr, err)
		}
	}
}

// TestSlowClientsDoNotStallOthers holds many connections open without a
// byte sent, and checks that a real client still completes its handshake
// at once: each connection has its own goroutine and its own deadline.
func TestSlowClientsDoNotStallOthers(t *testing.T) {
	t.Parallel()
	_, addr := start(t, handshake.Config{Timeout: time.Minute})
	for range 50 {
		idle, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer idle.Close()
		io.WriteString(idle, "GET /ws HTTP/1.1\r\nHost: ") // and nothing more
	}
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	begin := time.Now()
	conn, _, err := d.Dial("ws://"+addr+DefaultPath, nil)
	if err != nil {
		t.Fatalf("Dial with 50 stalled clients around: %v", err)
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, msg, err := conn.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(DefaultMessage, string(msg)); diff != "" {
		t.Errorf("message (-want +got):\n%s", diff)
	}
	if took := time.Since(begin); took > 3*time.Second {
		t.Errorf("the handshake took %v with stalled clients around", took)
	}
}
