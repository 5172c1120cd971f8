package longpoll

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/wswalk/01-polling/poll"
	"github.com/google/go-cmp/cmp"
)

// server runs the long-polling handler over a fresh board on a real
// loopback port. handled is told each time a request's handler returns.
func server(t *testing.T) (b *Board, url string, handled chan struct{}) {
	t.Helper()
	b = NewBoard(poll.NewLog())
	h := NewHandler(b)
	handled = make(chan struct{}, 10000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { handled <- struct{}{} }()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return b, srv.URL, handled
}

func getMessages(t *testing.T, ctx context.Context, client *http.Client, url string) (int, []poll.Message, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var msgs []poll.Message
	if err := json.NewDecoder(resp.Body).Decode(&msgs); err != nil {
		return resp.StatusCode, nil, err
	}
	return resp.StatusCode, msgs, nil
}

// TestBadWait: every bad ?wait= is a 400 with a JSON error, and 01's own
// errors still apply.
func TestBadWait(t *testing.T) {
	for _, tc := range []struct {
		target string
		status int
		want   string
	}{
		{"/messages?wait=abc", 400, "wait must be a duration"},
		{"/messages?wait=30", 400, "wait must be a duration"},
		{"/messages?wait=-1s", 400, "wait must be a duration"},
		{"/messages?wait=3m", 400, "wait must be a duration"},
		{"/messages?since=x&wait=1s", 400, "since must be"},
		{"/elsewhere?wait=1s", 404, "no such path"},
	} {
		t.Run(tc.target, func(t *testing.T) {
			b := NewBoard(poll.NewLog())
			w := httptest.NewRecorder()
			NewHandler(b).ServeHTTP(w, httptest.NewRequest("GET", tc.target, nil))
			var e struct{ Error string }
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
				t.Fatalf("body %q: %v", w.Body, err)
			}
			if w.Code != tc.status || !strings.Contains(e.Error, tc.want) {
				t.Fatalf("got %d %q, want %d mentioning %q", w.Code, e.Error, tc.status, tc.want)
			}
		})
	}
}

// TestPostAndMethods: POST and the 405 are chapter 01's, over the board.
func TestPostAndMethods(t *testing.T) {
	b := NewBoard(poll.NewLog())
	h := NewHandler(b)
	for _, tc := range []struct {
		method, body string
		status       int
		allow        string
	}{
		{"POST", `{"username":"ann","body":"hi"}`, 201, ""},
		{"POST", `{"username":"ann","body":""}`, 400, ""},
		{"POST", `{"body":`, 400, ""},
		{"PATCH", `{"body":"hi"}`, 405, "GET, POST"},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(tc.method, "/messages", strings.NewReader(tc.body)))
		got := []any{w.Code, w.Header().Get("Allow")}
		if diff := cmp.Diff([]any{tc.status, tc.allow}, got); diff != "" {
			t.Errorf("%s %s (-want +got):\n%s", tc.method, tc.body, diff)
		}
	}
	if diff := cmp.Diff([]string{"hi"}, bodies(b.Since(0))); diff != "" {
		t.Fatalf("stored (-want +got):\n%s", diff)
	}
}

func TestParseWait(t *testing.T) {
	for q, want := range map[string]time.Duration{
		"":            DefaultWait,
		"?wait=0":     0,
		"?wait=250ms": 250 * time.Millisecond,
		"?wait=2m":    MaxWait,
	} {
		got, err := ParseWait(httptest.NewRequest("GET", "/messages"+q, nil))
		if err != nil || got != want {
			t.Errorf("ParseWait(%q) = %v, %v; want %v", q, got, err, want)
		}
	}
}

// TestLongPollWakeUp holds a real HTTP request and answers it with a POST.
func TestLongPollWakeUp(t *testing.T) {
	b, url, _ := server(t)
	type answer struct {
		status int
		msgs   []poll.Message
		err    error
	}
	got := make(chan answer)
	go func() {
		s, m, err := getMessages(t, context.Background(), http.DefaultClient, url+"/messages?since=0&wait=10s")
		got <- answer{s, m, err}
	}()
	waitFor(t, "the request is held", func() bool { return b.Waiting() == 1 })
	resp, err := http.Post(url+"/messages", "application/json", strings.NewReader(`{"username":"ann","body":"wake up"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	a := <-got
	if a.err != nil {
		t.Fatal(a.err)
	}
	if diff := cmp.Diff([]any{200, []string{"wake up"}}, []any{a.status, bodies(a.msgs)}); diff != "" {
		t.Fatalf("held answer (-want +got):\n%s", diff)
	}
}

// TestLongPollTimeout: with nothing new the request answers 200 [] after
// the wait, not before.
func TestLongPollTimeout(t *testing.T) {
	_, url, _ := server(t)
	start := time.Now()
	status, msgs, err := getMessages(t, context.Background(), http.DefaultClient, url+"/messages?wait=100ms")
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]any{200, []poll.Message{}}, []any{status, msgs}); diff != "" {
		t.Fatalf("answer after the wait (-want +got):\n%s", diff)
	}
	if took < 100*time.Millisecond {
		t.Fatalf("answered after %v, before the 100ms wait passed", took)
	}
}

// TestClientGoesAway cancels held requests from the client side and checks
// that each handler returns at once and the server's goroutines go back to
// where they were: nothing is left waiting for a client that is gone.
func TestClientGoesAway(t *testing.T) {
	b, url, handled := server(t)
	// The client has its own transport so its connections can be closed,
	// and the count of goroutines is taken with no connection open.
	tr := &http.Transport{}
	client := &http.Client{Transport: tr}
	runtime.GC()
	baseline := runtime.NumGoroutine()

	const n = 20
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			// 15 s, not more: if the handlers do not notice, the server's
			// Close still waits for them, and the test must end in seconds.
			_, _, err := getMessages(t, ctx, client, url+"/messages?wait=15s")
			errs <- err
		}()
	}
	waitFor(t, "every request is held", func() bool { return b.Waiting() == n })
	cancel()
	for i := 0; i < n; i++ {
		if err := <-errs; !errors.Is(err, context.Canceled) {
			t.Fatalf("client error = %v, want context.Canceled", err)
		}
	}
	// Each handler notices the closed connection and returns: well within
	// a second, not after the 15 s it was asked to wait.
	for i := 0; i < n; i++ {
		select {
		case <-handled:
		case <-time.After(2 * time.Second):
			t.Fatalf("%d of %d handlers still running 2s after their clients left", n-i, n)
		}
	}
	if got := b.Waiting(); got != 0 {
		t.Fatalf("Waiting() = %d after every client left, want 0", got)
	}
	tr.CloseIdleConnections()
	waitFor(t, fmt.Sprintf("goroutines back to %d", baseline), func() bool {
		return runtime.NumGoroutine() <= baseline
	})
}

// TestThousandWaitersOneMessage holds 1,000 real HTTP requests and checks
// that one POST answers every one of them, within 10 s of it (waitAll):
// a broken wake-up fails saying how many were answered, not after a minute.
func TestThousandWaitersOneMessage(t *testing.T) {
	const n = 1000
	b, url, _ := server(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tr := &http.Transport{MaxIdleConnsPerHost: n}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var wg sync.WaitGroup
	answers := make([][]string, n)
	fails := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, msgs, err := getMessages(t, ctx, client, url+"/messages?since=0&wait=1m")
			if err != nil && ctx.Err() == nil {
				fails <- err
				return
			}
			answers[i] = bodies(msgs)
		}()
	}
	waitFor(t, "1,000 requests are held", func() bool { return b.Waiting() == n })
	resp, err := http.Post(url+"/messages", "application/json", strings.NewReader(`{"body":"everyone"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	waitAll(t, &wg, cancel)
	close(fails)
	for err := range fails {
		t.Fatal(err)
	}
	answered := 0
	for _, got := range answers {
		if cmp.Equal([]string{"everyone"}, got) {
			answered++
		}
	}
	if answered != n {
		t.Fatalf("after one POST, %d of %d held requests were answered, want all %d", answered, n, n)
	}
}

// TestClient runs the exported long-polling client against the server.
func TestClient(t *testing.T) {
	b, url, _ := server(t)
	c := NewClient(url, 10*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- c.Run(ctx) }()
	for i := 1; i <= 3; i++ {
		waitFor(t, "the client is waiting", func() bool { return b.Waiting() == 1 })
		b.Append("clock", fmt.Sprint("tick ", i))
		waitFor(t, "the client got it", func() bool { return c.Report().Messages == int64(i) })
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v", err)
	}
	rep := c.Report()
	// Three answered requests; the fourth was held when Run stopped, so it
	// is not counted as made-and-answered.
	want := []any{int64(3), int64(0), int64(0), int64(3), 3}
	got := []any{rep.Requests, rep.Empty, rep.Errors, rep.Messages, len(rep.Delays)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requests, empty, errors, messages, delays (-want +got):\n%s", diff)
	}
	if rep.BytesIn == 0 || rep.BytesOut == 0 {
		t.Errorf("bytes in %d, out %d: want both counted", rep.BytesIn, rep.BytesOut)
	}
}
