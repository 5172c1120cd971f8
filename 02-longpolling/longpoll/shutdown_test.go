package longpoll

import (
	"context"
	"net"
	"net/http"
	"testing"
	"testing/fstest"
	"time"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/01-polling/site"
	"github.com/google/go-cmp/cmp"
)

// TestShutdownAnswersHeldPolls runs the chapter's server as main does,
// holds requests that asked to wait a minute, and stops the server: each
// held request is answered 200 [] at once and Serve returns cleanly, well
// before the minute or the shutdown grace.
func TestShutdownAnswersHeldPolls(t *testing.T) {
	board := NewBoard(poll.NewLog())
	srv := &site.Server{API: NewHandler(board), Store: board, Pages: fstest.MapFS{"index.html": {}}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()

	const n = 5
	type answer struct {
		Status int
		Msgs   []poll.Message
	}
	answers := make(chan answer, n)
	url := "http://" + ln.Addr().String() + "/messages?wait=1m"
	for range n {
		go func() {
			status, msgs, err := getMessages(t, context.Background(), http.DefaultClient, url)
			if err != nil {
				t.Errorf("held request: %v", err)
			}
			answers <- answer{status, msgs}
		}()
	}
	waitFor(t, "every request is held", func() bool { return board.Waiting() == n })
	start := time.Now()
	stop()
	for range n {
		if diff := cmp.Diff(answer{200, []poll.Message{}}, <-answers); diff != "" {
			t.Errorf("a held request's answer at shutdown (-want +got):\n%s", diff)
		}
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve = %v, want nil after a clean stop", err)
	}
	if took := time.Since(start); took > site.ShutdownGrace/2 {
		t.Errorf("stopping took %v with held requests", took)
	}
}
