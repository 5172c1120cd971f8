package history

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"example.com/wswalk/05-gorilla-chat/chat"
	"github.com/redis/go-redis/v9"
)

var roomCounter atomic.Int64

// uniqueRoom names a room no other test (or test run) uses, and deletes its
// keys when the test ends.
func uniqueRoom(t testing.TB, url string) string {
	t.Helper()
	room := fmt.Sprintf("test-%s-%d-%d", strings.ReplaceAll(t.Name(), "/", "-"),
		time.Now().UnixNano(), roomCounter.Add(1))
	t.Cleanup(func() {
		k := KeysFor(room)
		rdb := client(t, url)
		rdb.Del(context.Background(), k.Seq, k.History, k.Epoch, k.Members)
	})
	return room
}

// client is a plain go-redis client for the test to look at Redis itself.
func client(t testing.TB, url string) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// logBuffer collects log lines safely from several goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// open opens a Store with test-sized timeouts and closes it at the end.
func open(t testing.TB, url, room string, keep int, logs *logBuffer) *Store {
	t.Helper()
	return openWith(t, testOptions(url, room, keep, logs))
}

// testOptions are the Options of open: short retries, a Redis timeout
// long enough for a loaded machine, logs to logs (or nowhere).
func testOptions(url, room string, keep int, logs *logBuffer) Options {
	o := Options{URL: url, Room: room, Keep: keep,
		RetryMin: 20 * time.Millisecond, RetryMax: 200 * time.Millisecond, Timeout: 2 * time.Second}
	o.Logger = quiet
	if logs != nil {
		o.Logger = slog.New(slog.NewTextHandler(logs, nil))
	}
	return o
}

// openWith opens a Store with o and closes it at the end.
func openWith(t testing.TB, o Options) *Store {
	t.Helper()
	s, err := Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// relayFor makes the relay of s with o, closed at the end (before s).
func relayFor(t testing.TB, s *Store, o Options) *Relay {
	t.Helper()
	r := NewRelay(s, o)
	t.Cleanup(func() { r.Close() })
	return r
}

// say adds a message from ann and fails the test on error.
func say(t testing.TB, h chat.History, body string) chat.Event {
	t.Helper()
	e, err := h.Add(context.Background(), chat.Event{Type: chat.TypeMessage, Username: "ann", Body: body})
	if err != nil {
		t.Fatalf("Add(%q): %v", body, err)
	}
	return e
}

// bodies lists the bodies of events, for compact comparisons.
func bodies(events []chat.Event) []string {
	out := []string{}
	for _, e := range events {
		out = append(out, e.Body)
	}
	return out
}

// ids lists the IDs of events.
func ids(events []chat.Event) []string {
	out := []string{}
	for _, e := range events {
		out = append(out, e.ID)
	}
	return out
}

// eventually polls cond until it holds or d passes.
func eventually(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
