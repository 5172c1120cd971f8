package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/wswalk/06-redis-history/history"
	"example.com/wswalk/testkit/browser"
	"example.com/wswalk/testkit/redistest"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"
	"github.com/redis/go-redis/v9"
)

// syncBuffer is the server's stderr, read by the test while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// start runs the command with args until the test ends and returns its
// base URL and its log.
func start(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), logs, func(a string) { addr <- a })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run ended with %v", err)
		}
	})
	select {
	case a := <-addr:
		return "http://" + a, logs
	case err := <-done:
		done <- err
		t.Fatalf("run: %v\n%s", err, logs)
	case <-time.After(10 * time.Second):
		t.Fatalf("server never listened:\n%s", logs)
	}
	return "", nil
}

func getStatus(t *testing.T, base string) history.Status {
	t.Helper()
	resp, err := http.Get(base + "/status")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st history.Status
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	return st
}

// Without Redis the server still starts, says so once, keeps history in
// memory, and chats.
func TestStartsWithoutRedis(t *testing.T) {
	t.Parallel()
	gone := redistest.Start(t)
	gone.Stop()
	base, logs := start(t, "-redis", gone.URL())

	if got := strings.Count(logs.String(), "level=WARN"); got != 1 {
		t.Errorf("%d warnings at start, want 1:\n%s", got, logs)
	}
	if !strings.Contains(logs.String(), "Redis unreachable") || !strings.Contains(logs.String(), gone.Addr()) {
		t.Errorf("the warning does not say Redis at %s is unreachable:\n%s", gone.Addr(), logs)
	}
	if diff := cmp.Diff("memory", getStatus(t, base).Store); diff != "" {
		t.Errorf("/status store (-want +got):\n%s", diff)
	}
	conn, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/ws?username=ann", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.WriteJSON(map[string]string{"body": "still here"})
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		var e struct{ Type, ID, Body string }
		if err := conn.ReadJSON(&e); err != nil {
			t.Fatal(err)
		}
		if e.Type == "message" {
			if diff := cmp.Diff("still here", e.Body); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
			break
		}
	}
}

// With -require-redis an unreachable Redis is a start-up error naming it.
func TestRequireRedis(t *testing.T) {
	t.Parallel()
	gone := redistest.Start(t)
	gone.Stop()
	var logs syncBuffer
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-redis", gone.URL(), "-require-redis"}, &logs, nil)
	if err == nil || !strings.Contains(err.Error(), gone.Addr()) || !strings.Contains(err.Error(), "-require-redis") {
		t.Errorf("run with -require-redis and no Redis = %v, want an error naming %s and the flag", err, gone.Addr())
	}
	if err := run(context.Background(), []string{"-history", "lots"}, &logs, nil); err == nil {
		t.Error("a bad flag value gave no error")
	}
}

// Two servers on two ports, one Redis room, two browser tabs: a message
// typed on one server's page appears on the other's, and each page lists
// the person on the other server.
func TestBrowserAcrossTwoServers(t *testing.T) {
	t.Parallel()
	url := redistest.URL(t)
	room := fmt.Sprintf("test-browser-%d", time.Now().UnixNano())
	t.Cleanup(func() {
		opt, _ := redis.ParseURL(url)
		rdb := redis.NewClient(opt)
		defer rdb.Close()
		k := history.KeysFor(room)
		rdb.Del(context.Background(), k.Seq, k.History, k.Members)
	})
	a, _ := start(t, "-redis", url, "-room", room)
	b, _ := start(t, "-redis", url, "-room", room)

	annTab := browser.New(t, 30*time.Second)
	bobTab := browser.NewTab(t, annTab)
	browser.Run(t, annTab, "open a's page", chromedp.Navigate(a+"/?username=ann"))
	browser.WaitText(t, annTab, "#status", "history on Redis")
	browser.Run(t, bobTab, "open b's page", chromedp.Navigate(b+"/?username=bob"))
	browser.WaitText(t, bobTab, "#members", "ann")
	browser.WaitText(t, annTab, "#members", "bob")

	browser.Run(t, annTab, "type on a",
		chromedp.SendKeys("#body", "hello from server a"),
		chromedp.Click("#send button"))
	browser.WaitText(t, bobTab, "#log", "ann")
	browser.WaitText(t, bobTab, "#log", "hello from server a")
	browser.Run(t, bobTab, "answer on b",
		chromedp.SendKeys("#body", "b hears you"),
		chromedp.Click("#send button"))
	browser.WaitText(t, annTab, "#log", "b hears you")

	// Both servers replay the same history to a page opened later.
	late := browser.NewTab(t, annTab)
	browser.Run(t, late, "open b's page again", chromedp.Navigate(b+"/?username=carol"))
	got := browser.WaitText(t, late, "#log", "b hears you")
	if !strings.Contains(got, "hello from server a") {
		t.Errorf("history on b lacks a's message: %q", got)
	}
}

// Redis lost under a running server: the page says "history degraded" at
// once, a message typed meanwhile is refused and comes back to the send
// box, and once Redis is back the page says so and the same message, sent
// again, is stored once.
func TestBrowserShowsDegraded(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	base, _ := start(t, "-redis", srv.URL())
	tab := browser.New(t, 30*time.Second)
	browser.Run(t, tab, "open the page", chromedp.Navigate(base+"/?username=ann"))
	browser.WaitText(t, tab, "#status", "history on Redis")
	browser.WaitText(t, tab, "#members", "ann")

	srv.Stop()
	browser.WaitText(t, tab, "#status", "history degraded") // before anyone types
	browser.Run(t, tab, "type while Redis is down",
		chromedp.SendKeys("#body", "said in the dark"),
		chromedp.Click("#send button"))
	browser.WaitText(t, tab, "#log", "not sent")
	var box string
	for deadline := time.Now().Add(10 * time.Second); box != "said in the dark"; {
		browser.Run(t, tab, "read the send box", chromedp.Value("#body", &box))
		if time.Now().After(deadline) {
			t.Fatalf("the refused message is not back in the send box: %q", box)
		}
		time.Sleep(50 * time.Millisecond)
	}

	srv.Restart()
	browser.WaitText(t, tab, "#status", "history on Redis")
	browser.Run(t, tab, "send it again", chromedp.Click("#send button"))
	browser.WaitText(t, tab, "#log", "#1annsaid in the dark") // stored: it has an id
	opt, _ := redis.ParseURL(srv.URL())
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	kept, err := rdb.LRange(context.Background(), history.KeysFor(history.DefaultRoom).History, 0, -1).Result()
	if err != nil || len(kept) != 1 || !strings.Contains(kept[0], "said in the dark") {
		t.Errorf("Redis after the outage holds %q (%v), want the message sent again, once", kept, err)
	}
}
