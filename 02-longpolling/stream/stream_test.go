package stream

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/02-longpolling/longpoll"
)

// serve runs a Handler over a fresh board until the test ends.
func serve(t *testing.T, o Options) (*longpoll.Board, *Handler, string) {
	t.Helper()
	b := longpoll.NewBoard(poll.NewLog())
	h := NewHandler(b, o)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return b, h, srv.URL
}

// event is one parsed event of a stream: its lines, by field.
type event struct{ ID, Data, Retry, Comment string }

// reader reads events from a stream.
type reader struct {
	t    *testing.T
	sc   *bufio.Scanner
	body interface{ Close() error }
}

func open(t *testing.T, url string, h http.Header) *reader {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range h {
		req.Header[k] = v
	}
	// A bound on the whole stream, so a broken server fails the test in
	// seconds instead of hanging it.
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("GET %s: %d %q", url, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return &reader{t: t, sc: bufio.NewScanner(resp.Body), body: resp.Body}
}

// next reads up to the blank line that ends an event.
func (r *reader) next() event {
	r.t.Helper()
	var e event
	for r.sc.Scan() {
		line := r.sc.Text()
		if line == "" {
			return e
		}
		field, value, _ := strings.Cut(line, ": ")
		switch field {
		case "id":
			e.ID = value
		case "data":
			e.Data = value
		case "retry":
			e.Retry = value
		case "":
			e.Comment = value
		}
	}
	r.t.Fatalf("stream ended: %v", r.sc.Err())
	return e
}

func body(t *testing.T, e event) string {
	t.Helper()
	var m poll.Message
	if err := json.Unmarshal([]byte(e.Data), &m); err != nil {
		t.Fatalf("data %q: %v", e.Data, err)
	}
	return m.Body
}

// TestStreamsEachMessage: retry once, then one event per message, its ID
// in id: and the message's JSON in data:, written as it is appended.
func TestStreamsEachMessage(t *testing.T) {
	t.Parallel()
	b, _, url := serve(t, Options{})
	b.Append("ann", "before")
	r := open(t, url+"/events", nil)
	if diff := cmp.Diff(event{Retry: "2000"}, r.next()); diff != "" {
		t.Errorf("first event (-want +got):\n%s", diff)
	}
	got := r.next()
	if got.ID != "1" || body(t, got) != "before" {
		t.Errorf("the kept message: %+v", got)
	}
	b.Append("bob", "hi\nthere") // a newline stays inside the JSON: one data line
	got = r.next()
	if got.ID != "2" || body(t, got) != "hi\nthere" {
		t.Errorf("the live message: %+v", got)
	}
}

// TestResume: Last-Event-ID (what EventSource sends on reconnect) wins
// over ?since=; either resumes after that ID, nothing missed or twice.
func TestResume(t *testing.T) {
	t.Parallel()
	b, _, url := serve(t, Options{})
	for _, s := range []string{"one", "two", "three"} {
		b.Append("ann", s)
	}
	for _, tt := range []struct {
		url  string
		h    http.Header
		want string
	}{
		{"/events?since=1", nil, "two"},
		{"/events?since=0", http.Header{"Last-Event-ID": {"2"}}, "three"},
	} {
		r := open(t, url+tt.url, tt.h)
		r.next() // retry
		if got := body(t, r.next()); got != tt.want {
			t.Errorf("%s %v: first message %q, want %q", tt.url, tt.h, got, tt.want)
		}
	}
	resp, err := http.Get(url + "/events?since=x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("since=x: %d, want 400", resp.StatusCode)
	}
}

// TestHeartbeat: a quiet stream gets a comment line every Heartbeat.
func TestHeartbeat(t *testing.T) {
	t.Parallel()
	_, _, url := serve(t, Options{Heartbeat: 50 * time.Millisecond})
	r := open(t, url+"/events", nil)
	r.next()
	if diff := cmp.Diff(event{Comment: "still here"}, r.next()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestClientGoesAway: a client that leaves ends its stream's goroutine at
// once, without waiting for a message or a heartbeat.
func TestClientGoesAway(t *testing.T) {
	t.Parallel()
	_, h, url := serve(t, Options{Heartbeat: time.Hour})
	r := open(t, url+"/events", nil)
	r.next()
	if h.Streams() != 1 {
		t.Fatalf("%d streams open, want 1", h.Streams())
	}
	r.body.Close()
	waitFor(t, "the stream to end", func() bool { return h.Streams() == 0 })
}

// TestSlowClientDropped: a client that stops reading is dropped at its
// write deadline, its goroutine ends, and a client that reads gets
// everything, not slowed by it.
func TestSlowClientDropped(t *testing.T) {
	t.Parallel()
	b, h, url := serve(t, Options{WriteWait: 200 * time.Millisecond, Heartbeat: time.Hour})
	slow, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	slow.(*net.TCPConn).SetReadBuffer(4 << 10)
	slow.Write([]byte("GET /events HTTP/1.1\r\nHost: x\r\n\r\n")) // and never reads
	waitFor(t, "the slow stream to open", func() bool { return h.Streams() == 1 })
	fast := open(t, url+"/events", nil)
	fast.next()
	big := strings.Repeat("x", poll.MaxBody-1)
	for i := range 20000 { // up to 80 MB: far past any socket buffer
		if _, err := b.Append("ann", big); err != nil {
			t.Fatal(err)
		}
		fast.next() // in step: the reading client is never the slow one
		if h.Streams() == 1 {
			t.Logf("slow client dropped after %d messages", i+1)
			return
		}
	}
	t.Fatal("the client that does not read was never dropped")
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("waited 5 s for %s", what)
		case <-time.After(5 * time.Millisecond):
		}
	}
}
