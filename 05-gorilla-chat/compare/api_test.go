package compare_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/05-gorilla-chat/compare"
)

// newDemo serves a demo's page and endpoints the way the chat server
// mounts them; the techniques listen on ports of their own.
func newDemo(t *testing.T, opts compare.Options) (*compare.Demo, *httptest.Server) {
	t.Helper()
	d, err := compare.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(d.Handler())
	t.Cleanup(func() {
		srv.Close()
		d.Close()
	})
	return d, srv
}

func techURL(d *compare.Demo, name, scheme, path string) string {
	return fmt.Sprintf("%s://127.0.0.1:%d%s", scheme, d.Port(name), path)
}

func getJSON(t *testing.T, url string, v any) *http.Response {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp
}

func post(t *testing.T, url, origin, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestOneMessageReachesAllFour sends one message through the page's send
// endpoint and reads it back from each technique's own port: the same JSON
// object whichever way it travels.
func TestOneMessageReachesAllFour(t *testing.T) {
	t.Parallel()
	d, srv := newDemo(t, compare.Options{})
	var cfg compare.Config
	getJSON(t, srv.URL+"/compare/api/config", &cfg)
	want := []compare.Technique{
		{Name: "short", Label: "Short polling", Port: d.Port("short"), Path: "/messages"},
		{Name: "long", Label: "Long polling", Port: d.Port("long"), Path: "/messages"},
		{Name: "stream", Label: "Streaming (SSE)", Port: d.Port("stream"), Path: "/events"},
		{Name: "ws", Label: "WebSocket", Port: d.Port("ws"), Path: "/ws"},
	}
	if diff := cmp.Diff(want, cfg.Techniques); diff != "" {
		t.Fatalf("config techniques (-want +got):\n%s", diff)
	}

	ws, _, err := websocket.DefaultDialer.Dial(techURL(d, "ws", "ws", fmt.Sprintf("/ws?since=%d", cfg.LastID)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	held := make(chan []poll.Message, 1)
	go func() {
		var got []poll.Message
		resp, err := http.Get(techURL(d, "long", "http", fmt.Sprintf("/messages?since=%d&wait=10s", cfg.LastID)))
		if err == nil {
			_ = json.NewDecoder(resp.Body).Decode(&got)
			resp.Body.Close()
		}
		held <- got
	}()
	events, err := http.Get(techURL(d, "stream", "http", fmt.Sprintf("/events?since=%d", cfg.LastID)))
	if err != nil {
		t.Fatal(err)
	}
	defer events.Body.Close()
	streamed := make(chan []poll.Message, 1)
	go func() { streamed <- readEvents(events.Body, 1) }()
	// The long poll must be held, and the stream open, before the message
	// is sent, or they would find it at once and prove nothing about
	// waking.
	for s := d.Stats(); s.Techniques["long"].Requests == 0 || s.Streams == 0; s = d.Stats() {
		time.Sleep(5 * time.Millisecond)
	}

	status, body := post(t, srv.URL+"/compare/api/send", "", `{"username":"ann","body":"same for all"}`)
	if status != http.StatusCreated {
		t.Fatalf("send: %d %s", status, body)
	}
	var sent poll.Message
	if err := json.Unmarshal([]byte(body), &sent); err != nil {
		t.Fatal(err)
	}

	var short []poll.Message
	getJSON(t, techURL(d, "short", "http", fmt.Sprintf("/messages?since=%d", cfg.LastID)), &short)
	var pushed poll.Message
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	if err := ws.ReadJSON(&pushed); err != nil {
		t.Fatal(err)
	}
	wantOne := []poll.Message{sent}
	for name, got := range map[string][]poll.Message{"short": short, "long": <-held, "stream": <-streamed, "ws": {pushed}} {
		if diff := cmp.Diff(wantOne, got); diff != "" {
			t.Errorf("%s delivered (-want +got):\n%s", name, diff)
		}
	}
}

// readEvents reads n events of a Server-Sent Events stream and returns the
// messages their data lines carry (none if the stream breaks first).
func readEvents(r io.Reader, n int) []poll.Message {
	var got []poll.Message
	lines := bufio.NewScanner(r)
	for len(got) < n && lines.Scan() {
		if data, ok := strings.CutPrefix(lines.Text(), "data: "); ok {
			var m poll.Message
			if json.Unmarshal([]byte(data), &m) != nil {
				return nil
			}
			got = append(got, m)
		}
	}
	return got
}

// TestBadInput: every wrong request gets a clear error with the right
// status, and nothing is published.
func TestBadInput(t *testing.T) {
	t.Parallel()
	d, srv := newDemo(t, compare.Options{})
	foreign := "http://evil.example"
	tests := []struct {
		name, path, origin, body string
		status                   int
		want                     string
	}{
		{"not JSON", "/compare/api/send", "", `hello`, 400, "malformed JSON"},
		{"empty request", "/compare/api/send", "", ``, 400, "empty"},
		{"unknown field", "/compare/api/send", "", `{"body":"x","admin":true}`, 400, "unknown field"},
		{"two objects", "/compare/api/send", "", `{"body":"x"}{"body":"y"}`, 400, "more than one"},
		{"empty body", "/compare/api/send", "", `{"body":"   "}`, 400, "body is empty"},
		{"body too long", "/compare/api/send", "", `{"body":"` + strings.Repeat("x", poll.MaxBody+1) + `"}`, 400, "over"},
		{"foreign origin", "/compare/api/send", foreign, `{"body":"x"}`, 403, "origin not allowed"},
		{"tick not a duration", "/compare/api/tick", "", `{"every":"soon"}`, 400, "tick must be"},
		{"negative tick", "/compare/api/tick", "", `{"every":"-1s"}`, 400, "tick must be"},
		{"tick from a foreign origin", "/compare/api/tick", foreign, `{"every":"1s"}`, 403, "origin not allowed"},
	}
	for _, tt := range tests {
		status, body := post(t, srv.URL+tt.path, tt.origin, tt.body)
		if status != tt.status || !strings.Contains(body, tt.want) || !strings.Contains(body, `"error"`) {
			t.Errorf("%s: %d %s, want %d and an error mentioning %q", tt.name, status, body, tt.status, tt.want)
		}
	}
	if last := d.Stats().LastID; last != 0 {
		t.Errorf("bad requests published %d messages", last)
	}
	if got := d.Tick(); got != 0 {
		t.Errorf("bad requests set the clock to %v", got)
	}

	// The technique ports: a foreign page may not read them; this demo's
	// page (same host, another port) may, with the CORS header it needs.
	req, _ := http.NewRequest(http.MethodGet, techURL(d, "short", "http", "/messages"), nil)
	req.Header.Set("Origin", foreign)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("short polling from %s: %v %v, want 403", foreign, resp.Status, err)
	}
	// The demo learns its page's origin from serving the page, as a
	// browser asks for it before its scripts call the technique ports.
	if page, err := http.Get(srv.URL + "/compare"); err == nil {
		page.Body.Close()
	}
	req.Header.Set("Origin", srv.URL)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != srv.URL {
		t.Errorf("short polling from the page's origin: %v %v, Access-Control-Allow-Origin %q", resp.Status, err, resp.Header.Get("Access-Control-Allow-Origin"))
	}
	// The stream port: the same rule, and a resume point that is not a
	// message ID is refused before the stream opens.
	for _, tt := range []struct {
		name, path, origin string
		status             int
	}{
		{"foreign origin", "/events", foreign, http.StatusForbidden},
		{"bad since", "/events?since=yesterday", srv.URL, http.StatusBadRequest},
	} {
		req, _ := http.NewRequest(http.MethodGet, techURL(d, "stream", "http", tt.path), nil)
		req.Header.Set("Origin", tt.origin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != tt.status {
			t.Errorf("stream %s: %v %v, want %d", tt.name, resp, err, tt.status)
			continue
		}
		resp.Body.Close()
	}
	wsTests := []struct {
		name, path, origin string
		status             int
	}{
		{"foreign origin", "/ws", foreign, http.StatusForbidden},
		{"bad since", "/ws?since=yesterday", "", http.StatusBadRequest},
		{"wrong path", "/chat", "", http.StatusNotFound},
	}
	for _, tt := range wsTests {
		h := http.Header{}
		if tt.origin != "" {
			h.Set("Origin", tt.origin)
		}
		_, resp, err := websocket.DefaultDialer.Dial(techURL(d, "ws", "ws", tt.path), h)
		if err == nil || resp == nil || resp.StatusCode != tt.status {
			t.Errorf("WebSocket %s: err %v, response %v, want %d", tt.name, err, resp, tt.status)
		}
	}
}

// TestTickIsClamped: the page can set the clock, but never faster than
// ten ticks a second.
func TestTickIsClamped(t *testing.T) {
	t.Parallel()
	d, srv := newDemo(t, compare.Options{})
	for _, tt := range []struct {
		every string
		want  time.Duration
	}{{"1ms", compare.MinTick}, {"250", 250 * time.Millisecond}, {"2s", 2 * time.Second}, {"off", 0}} {
		status, body := post(t, srv.URL+"/compare/api/tick", "", `{"every":"`+tt.every+`"}`)
		if status != http.StatusOK || d.Tick() != tt.want {
			t.Errorf("tick %q: %d %s, clock every %v, want %v", tt.every, status, body, d.Tick(), tt.want)
		}
	}
}

// TestCloseSaysGoingAway: when the demo stops, a WebSocket client gets
// close 1001, a held long poll its empty answer and an open stream its
// end, at once.
func TestCloseSaysGoingAway(t *testing.T) {
	t.Parallel()
	d, err := compare.New(compare.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ws, _, err := websocket.DefaultDialer.Dial(techURL(d, "ws", "ws", "/ws"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	held := make(chan string, 1)
	go func() {
		resp, err := http.Get(techURL(d, "long", "http", "/messages?wait=1m"))
		if err != nil {
			held <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		held <- strings.TrimSpace(string(b))
	}()
	events, err := http.Get(techURL(d, "stream", "http", "/events"))
	if err != nil {
		t.Fatal(err)
	}
	ended := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, events.Body)
		events.Body.Close()
		ended <- err
	}()
	for d.Stats().Techniques["long"].Requests == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	began := time.Now()
	closed := make(chan struct{})
	go func() {
		d.Close() // waits for the clients' answers to the close frame
		close(closed)
	}()
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err = ws.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
		t.Errorf("WebSocket read after Close: %v, want close 1001", err)
	}
	if got := <-held; got != "[]" {
		t.Errorf("held long poll answered %q, want []", got)
	}
	if err := <-ended; err != nil {
		t.Errorf("the stream ended with %v, want its end (the connection closed cleanly)", err)
	}
	<-closed
	// A held long poll would keep Close waiting for its 30 s default wait;
	// the bound is far below that and far above a busy machine's slowness.
	if took := time.Since(began); took > 10*time.Second {
		t.Errorf("Close took %v: it waited for the held long poll instead of answering it", took)
	}
	if _, err := d.Publish("ann", "too late"); err == nil {
		t.Error("Publish after Close succeeded")
	}
}

// TestStalledClientDoesNotStallOthers: a WebSocket client that never reads
// is dropped once it falls behind, while another client gets every message
// and publishing never waits for either.
func TestStalledClientDoesNotStallOthers(t *testing.T) {
	t.Parallel()
	d, err := compare.New(compare.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	stalled, _, err := websocket.DefaultDialer.Dial(techURL(d, "ws", "ws", "/ws"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.Close()
	reader, _, err := websocket.DefaultDialer.Dial(techURL(d, "ws", "ws", "/ws"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	for d.Stats().WSClients != 2 {
		time.Sleep(5 * time.Millisecond)
	}

	// Publish until the hub lets the stalled client go: it must, once the
	// kernel's buffers and its 256-message queue are full, whatever the
	// buffers' sizes on this machine. 40,000 messages of 4 KiB (160 MiB)
	// is far beyond any socket buffer. The publisher keeps pace with the
	// reading client (at most a few messages ahead), so the reader is never
	// the slow one, even under the race detector on a busy machine: if the
	// stalled client held up the hub, the reader would stop receiving and
	// the wait below would end in a failure, not in a slow pass.
	var read atomic.Int64
	go func() {
		_ = reader.SetReadDeadline(time.Now().Add(60 * time.Second))
		for {
			if _, _, err := reader.ReadMessage(); err != nil {
				return
			}
			read.Add(1)
		}
	}()
	waitForReader := func(n int64) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for read.Load() < n {
			if time.Now().After(deadline) {
				t.Fatalf("the reading client got %d of %d messages: the stalled client holds up the others", read.Load(), n)
			}
			time.Sleep(100 * time.Microsecond)
		}
	}
	const ahead = 8 // well inside the reader's own queue of 256
	body := strings.Repeat("x", poll.MaxBody)
	const most = 40000
	sent := 0
	for ; sent < most && d.Stats().WSClients == 2; sent++ {
		if _, err := d.Publish("load", body); err != nil {
			t.Fatalf("publish %d: %v", sent, err)
		}
		waitForReader(int64(sent + 1 - ahead))
	}
	if sent == most {
		t.Fatalf("the stalled client is still connected after %d messages", most)
	}
	t.Logf("stalled client dropped after %d messages", sent)
	waitForReader(int64(sent))
	if got := read.Load(); got != int64(sent) {
		t.Errorf("the reading client got %d of %d messages", got, sent)
	}
}
