package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"example.com/wswalk/01-polling/wire"
	"example.com/wswalk/testkit/cmdtest"
)

func TestMain(m *testing.M) { cmdtest.Main(m, main) }

// TestCommand runs the command as a person would: it logs its URL, holds a
// long poll until the clock posts, and on SIGTERM answers the poll it is
// holding and exits 0 at once, not after the poll's wait.
func TestCommand(t *testing.T) {
	p := cmdtest.Start(t, "-addr", "127.0.0.1:0", "-tick", "50ms")
	if body := get(t, p.URL+"messages?since=0&wait=10s"); !strings.Contains(body, "server time") {
		t.Fatalf("long poll answered %q, want the clock's message", body)
	}
	if page := get(t, p.URL); !strings.Contains(page, "Long polling") {
		t.Errorf("GET / = %.80q..., want the chapter's page", page)
	}
	// The stream: one event per message, as the clock posts.
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(p.URL + "events?since=0")
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() && !(strings.HasPrefix(sc.Text(), "data: ") && strings.Contains(sc.Text(), "server time")) {
	}
	if sc.Err() != nil || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Errorf("GET /events: %q, %v; want the clock's messages as events", resp.Header.Get("Content-Type"), sc.Err())
	}
	resp.Body.Close()

	// A poll that waits for a message far in the future, held over the stop.
	// It has reached the server when /stats counts one request more than
	// the /stats requests themselves.
	before := requests(t, p.URL)
	held := make(chan string, 1)
	go func() { held <- get(t, p.URL+"messages?since=1000000&wait=1m") }()
	for k := int64(1); requests(t, p.URL) < before+k+1; k++ {
		if k > 500 {
			t.Fatal("the held poll never reached the server")
		}
	}
	if code := p.Stop(t, 5*time.Second); code != 0 {
		t.Errorf("exit status %d after SIGTERM, want 0; stderr:\n%s", code, p.Stderr())
	}
	select {
	case body := <-held:
		if body != "[]\n" {
			t.Errorf("the held poll was answered %q, want []", body)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the held poll was not answered at shutdown")
	}
}

// TestCommandCannotStart: a port in use and a bad flag each end the
// command with a one-line reason and a non-zero status.
func TestCommandCannotStart(t *testing.T) {
	taken := cmdtest.TakenAddr(t)
	cmdtest.CannotStart(t, 1, "cannot listen on "+taken, "-addr", taken)
	cmdtest.CannotStart(t, 2, "-tick must not be negative", "-tick", "-1s")
}

// requests reads the number of requests the server has begun to serve.
func requests(t *testing.T, base string) int64 {
	t.Helper()
	var s wire.Stats
	if err := json.Unmarshal([]byte(get(t, base+"stats")), &s); err != nil {
		t.Fatal(err)
	}
	return s.Requests
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Error(err)
		return ""
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Error(err)
	}
	return string(b)
}
