package server

import (
	"bufio"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// With MaxConns 1 and a WebSocket open, the next connection is answered
// 503 with Retry-After before its request is read, and closed: a refusal a
// client can act on, where running out of descriptors would stop the
// server accepting at all (chapter 03's listen.Loop).
func TestMaxConnsRefuses(t *testing.T) {
	t.Parallel()
	_, addr := start(t, Config{MaxConns: 1})
	dialRaw(t, addr, EchoPath) // the one place, held until the test ends

	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(nc), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	type answer struct {
		Status     int
		Close      bool
		RetryAfter string
	}
	want := answer{503, true, "1"}
	got := answer{resp.StatusCode, resp.Close, resp.Header.Get("Retry-After")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the connection over the limit got (-want +got):\n%s", diff)
	}
}
