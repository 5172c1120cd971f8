package longpoll

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/01-polling/site"
	"github.com/google/go-cmp/cmp"
)

// TestLongPollOutlivesTheTimeouts runs the chapter's server with chapter
// 01's timeouts cut to 200 ms, and checks that they bound slow clients
// only: a long poll is held for its whole ?wait=, five times the body and
// idle timeouts, and one held past them is still woken by a POST (which
// has a body, and so a deadline of its own).
func TestLongPollOutlivesTheTimeouts(t *testing.T) {
	t.Parallel()
	const short = 200 * time.Millisecond
	board := NewBoard(poll.NewLog())
	srv := &site.Server{API: NewHandler(board), Store: board, Pages: fstest.MapFS{"index.html": {}},
		Timeouts: site.Timeouts{Header: short, Body: short, Idle: short}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		stop()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	base := "http://" + ln.Addr().String()

	// Nothing to say: held for the whole wait, then 200 []. A request whose
	// context a timeout cancelled would answer [] early.
	begin := time.Now()
	status, msgs, err := getMessages(t, context.Background(), http.DefaultClient, base+"/messages?since=0&wait=1s")
	if err != nil {
		t.Fatal(err)
	}
	type answer struct {
		Status  int
		Bodies  []string
		Waited1 bool // held for the whole second
	}
	want := answer{200, []string{}, true}
	if diff := cmp.Diff(want, answer{status, bodies(msgs), time.Since(begin) >= time.Second}); diff != "" {
		t.Errorf("an empty long poll of 1s, timeouts of %v (-want +got):\n%s", short, diff)
	}

	// Held past the timeouts, then news.
	type result struct {
		status int
		msgs   []poll.Message
		err    error
	}
	held := make(chan result, 1)
	go func() {
		status, msgs, err := getMessages(t, context.Background(), http.DefaultClient, base+"/messages?since=0&wait=1m")
		held <- result{status, msgs, err}
	}()
	time.Sleep(3 * short) // not a bound: only lets the poll be held longer than the timeouts
	resp, err := http.Post(base+"/messages", "application/json", strings.NewReader(`{"username":"ann","body":"hi"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r := <-held
	if r.err != nil {
		t.Fatal(r.err)
	}
	want = answer{200, []string{"hi"}, false}
	if diff := cmp.Diff(want, answer{r.status, bodies(r.msgs), false}); diff != "" {
		t.Errorf("a long poll held past the timeouts, then a POST (%s) (-want +got):\n%s", resp.Status, diff)
	}
}
