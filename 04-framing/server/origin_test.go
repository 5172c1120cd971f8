package server

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"example.com/wswalk/03-raw-handshake/handshake"
)

// TestOrigins checks chapter 03's origin rule on this server, over TCP:
// pages the server serves itself get their WebSocket, so does a client
// without Origin, and nothing else does. Above all not a DNS-rebinding
// page: Host and Origin are both evil.example, equal to each other, and
// neither is where this server is served.
func TestOrigins(t *testing.T) {
	t.Parallel()
	_, addr := start(t, Config{})
	_, port, _ := net.SplitHostPort(addr)
	tests := []struct {
		name, host, origin string
		want               string
	}{
		{"no Origin: not a browser", addr, "", "HTTP/1.1 101 Switching Protocols"},
		{"same origin by IP", addr, "http://" + addr, "HTTP/1.1 101 Switching Protocols"},
		{"same origin by localhost", "localhost:" + port, "http://localhost:" + port, "HTTP/1.1 101 Switching Protocols"},
		{"DNS rebinding: Origin equals Host", "evil.example:" + port, "http://evil.example:" + port, "HTTP/1.1 403 Forbidden"},
		{"a foreign page", addr, "https://evil.example", "HTTP/1.1 403 Forbidden"},
		{"another port", addr, "http://127.0.0.1:1", "HTTP/1.1 403 Forbidden"},
		{"null", addr, "null", "HTTP/1.1 403 Forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, handshakeStatus(t, addr, tt.host, tt.origin)); diff != "" {
				t.Errorf("Host %s, Origin %q (-want +got):\n%s", tt.host, tt.origin, diff)
			}
		})
	}
}

// TestOriginsAllowList: Config.Handshake.Origins replaces the default, so
// an allow list comes with the served pages it is built from.
func TestOriginsAllowList(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	origins, err := handshake.OriginsFor(ln.Addr(), "https://app.example")
	if err != nil {
		t.Fatal(err)
	}
	srv := New(Config{Handshake: handshake.Config{Origins: origins}, Logf: func(string, ...any) {}})
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		if err := <-done; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
	})
	addr := ln.Addr().String()
	got := map[string]string{}
	for _, origin := range []string{"https://app.example", "http://" + addr, "http://app.example"} {
		got[origin] = handshakeStatus(t, addr, addr, origin)
	}
	want := map[string]string{
		"https://app.example": "HTTP/1.1 101 Switching Protocols",
		"http://" + addr:      "HTTP/1.1 101 Switching Protocols",
		"http://app.example":  "HTTP/1.1 403 Forbidden",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("status by Origin (-want +got):\n%s", diff)
	}
}

// handshakeStatus sends an /echo handshake with the given Host and Origin
// ("" for none) and returns the status line of the answer.
func handshakeStatus(t *testing.T, addr, host, origin string) string {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(10 * time.Second)) // no test hangs
	var req strings.Builder
	if err := handshake.WriteRequest(&req, handshake.ClientRequest{Host: host, Target: EchoPath, Origin: origin, Key: handshake.NewKey()}); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(nc, req.String()); err != nil {
		t.Fatal(err)
	}
	status, err := bufio.NewReader(nc).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	return strings.TrimSuffix(status, "\r\n")
}
