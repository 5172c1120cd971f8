package site

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"example.com/wswalk/01-polling/poll"
	"github.com/google/go-cmp/cmp"
)

// short are the timeouts of these tests: the server's clock, not the
// machine's speed, decides when they pass.
var short = Timeouts{Header: 200 * time.Millisecond, Body: 200 * time.Millisecond, Idle: 200 * time.Millisecond}

// patience is how long a test waits for the server to act on a short
// timeout: far longer than any of them, shorter than every default, so a
// server that ignored them fails the test instead of passing late.
const patience = DefaultHeaderTimeout / 2

// dial connects to the server at base ("http://host:port").
func dial(t *testing.T, base string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// dribble writes s to c one byte every 20 ms, in the background, until s
// is done, a write fails or the test ends.
func dribble(t *testing.T, c net.Conn, s string) {
	stop := make(chan struct{})
	done := make(chan struct{})
	t.Cleanup(func() { close(stop); <-done })
	go func() {
		defer close(done)
		for i := range len(s) {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			if _, err := c.Write([]byte{s[i]}); err != nil {
				return
			}
		}
	}()
}

// closedByServer reads c until it ends and reports whether the server
// closed it, rather than the client giving up after patience.
func closedByServer(t *testing.T, c net.Conn) bool {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(patience))
	_, err := io.Copy(io.Discard, c)
	return !errors.Is(err, os.ErrDeadlineExceeded) // EOF, or a reset: closed
}

// TestSlowHeadersCut: a client that sends its header a byte at a time is
// disconnected once the header timeout passes (net/http answers nothing).
func TestSlowHeadersCut(t *testing.T) {
	t.Parallel()
	base, _ := serve(t, &Server{API: http.NotFoundHandler(), Store: poll.NewLog(), Pages: testPages, Timeouts: short})
	c := dial(t, base)
	dribble(t, c, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "+strings.Repeat("z", 1000))
	if !closedByServer(t, c) {
		t.Errorf("the server still held the connection after %v; header timeout %v", patience, short.Header)
	}
}

// TestSlowBodyRefused: a POST whose body trickles in (the 9 MB
// Content-Length of a slow-body attack) is answered 408 once the body
// timeout passes, the connection is closed, and nothing is stored: not
// even when a whole JSON object came in time and the rest did not.
func TestSlowBodyRefused(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, sent, trickled string }{
		{"object cut short", `{"username":"ann","body":"`, strings.Repeat("a", 1000)},
		{"object, then a trickle", `{"username":"ann","body":"hi"}`, strings.Repeat(" ", 1000)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := poll.NewLog()
			base, _ := serve(t, &Server{API: poll.NewHandler(store), Store: store, Pages: testPages, Timeouts: short})
			c := dial(t, base)
			head := "POST /messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9000000\r\n\r\n"
			if _, err := io.WriteString(c, head+tt.sent); err != nil {
				t.Fatal(err)
			}
			dribble(t, c, tt.trickled)
			c.SetReadDeadline(time.Now().Add(patience))
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatalf("no answer to the slow body within %v: %v", patience, err)
			}
			b, _ := io.ReadAll(resp.Body)
			type answer struct {
				Status int
				Close  bool
				Body   string
				Stored int64
			}
			got := answer{resp.StatusCode, resp.Close, strings.TrimSpace(string(b)), store.Last()}
			want := answer{http.StatusRequestTimeout, true, `{"error":"request body not received in time"}`, 0}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("answer to a slow body (-want +got):\n%s", diff)
			}
			if !closedByServer(t, c) {
				t.Errorf("the connection stayed open after the 408")
			}
		})
	}
}

// TestIdleConnectionClosed: a kept-alive connection with no next request
// is closed once the idle timeout passes.
func TestIdleConnectionClosed(t *testing.T) {
	t.Parallel()
	base, _ := serve(t, &Server{API: http.NotFoundHandler(), Store: poll.NewLog(), Pages: testPages, Timeouts: short})
	c := dial(t, base)
	if _, err := io.WriteString(c, "GET /app.js HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	c.SetReadDeadline(time.Now().Add(patience))
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Close {
		t.Fatalf("GET /app.js: %s, close %v; want 200 on a kept-alive connection", resp.Status, resp.Close)
	}
	c.SetReadDeadline(time.Now().Add(patience))
	if _, err := br.ReadByte(); errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("the idle connection was still open after %v; idle timeout %v", patience, short.Idle)
	}
}

// TestHandlersOutliveTheTimeouts: no timeout cuts a handler short. A long
// poll (a GET with no body) holds five times the body and idle timeouts,
// and so does a handler that has read its body in time; neither sees its
// context cancelled, which is what http.Server.ReadTimeout would do.
func TestHandlersOutliveTheTimeouts(t *testing.T) {
	t.Parallel()
	const hold = 5 * 200 * time.Millisecond
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body []byte
		if r.Method == http.MethodPost { // a GET's body is not read, as a long poll does not
			var err error
			if body, err = io.ReadAll(r.Body); err != nil {
				poll.WriteError(w, http.StatusBadRequest, err.Error())
				return
			}
		}
		select {
		case <-time.After(hold):
			poll.WriteJSON(w, http.StatusOK, "held, body "+string(body))
		case <-r.Context().Done():
			poll.WriteJSON(w, http.StatusOK, "cancelled: "+context.Cause(r.Context()).Error())
		}
	})
	base, _ := serve(t, &Server{API: api, Store: poll.NewLog(), Pages: testPages, Timeouts: short})
	got := map[string]string{}
	for _, method := range []string{"GET", "POST"} {
		req, err := http.NewRequest(method, base+"/messages?since=0&wait=1s", nil)
		if err != nil {
			t.Fatal(err)
		}
		if method == "POST" {
			req.Body = io.NopCloser(strings.NewReader(`{"body":"hi"}`))
			req.ContentLength = int64(len(`{"body":"hi"}`))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got[method] = strings.TrimSpace(string(b))
	}
	want := map[string]string{"GET": `"held, body "`, "POST": `"held, body {\"body\":\"hi\"}"`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("answers of handlers holding %v, with timeouts of %v (-want +got):\n%s", hold, short.Body, diff)
	}
}
