package history

import (
	"context"
	"sync"
	"testing"
	"time"

	"example.com/wswalk/05-gorilla-chat/chat"
	"example.com/wswalk/testkit/redistest"
	"github.com/google/go-cmp/cmp"
)

// recorder collects what Subscribe delivers.
type recorder struct {
	mu     sync.Mutex
	events []chat.Event
}

func (r *recorder) deliver(e chat.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *recorder) got() []chat.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]chat.Event(nil), r.events...)
}

// subscribe runs Subscribe until the test ends and waits for it to return.
func subscribe(t *testing.T, r *Room) *recorder {
	t.Helper()
	rec := &recorder{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Subscribe(ctx, rec.deliver) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != context.Canceled {
			t.Errorf("Subscribe returned %v, want context.Canceled", err)
		}
	})
	// Subscribed once this server's members entry exists.
	rdb := r.rdb
	eventually(t, 5*time.Second, "subscribed", func() bool {
		ok, _ := rdb.HExists(context.Background(), r.keys.Members, r.server).Result()
		return ok
	})
	return rec
}

// Two servers on one room: each message is stored once, published once, and
// delivered to both in the same order; online events carry the members of
// both servers.
func TestRelayTwoServers(t *testing.T) {
	t.Parallel()
	url := redistest.URL(t)
	room := uniqueRoom(t, url)
	a, b := open(t, url, room, 100, nil), open(t, url, room, 100, nil)
	ra, rb := subscribe(t, a), subscribe(t, b)
	ctx := context.Background()

	ann := chat.Member{ClientID: "c1", Username: "ann"}
	bob := chat.Member{ClientID: "c2", Username: "bob"}
	if err := a.Publish(ctx, chat.Event{Type: chat.TypeOnline, ClientID: "c1", Username: "ann", Members: []chat.Member{ann}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 5*time.Second, "b sees ann online", func() bool { return len(rb.got()) == 1 })
	if err := b.Publish(ctx, chat.Event{Type: chat.TypeOnline, ClientID: "c2", Username: "bob", Members: []chat.Member{bob}}); err != nil {
		t.Fatal(err)
	}
	var sent []chat.Event
	for i, h := range []*Room{a, b, a, b} {
		e := say(t, h, []string{"hi", "hello", "how are you", "fine"}[i])
		if err := h.Publish(ctx, e); err != nil { // what a hub does: Add, then Publish
			t.Fatal(err)
		}
		sent = append(sent, e)
	}
	eventually(t, 5*time.Second, "both get 6 events", func() bool { return len(ra.got()) == 6 && len(rb.got()) == 6 })
	if diff := cmp.Diff(ra.got(), rb.got()); diff != "" {
		t.Errorf("a and b disagree (-a +b):\n%s", diff)
	}
	got := ra.got()
	if diff := cmp.Diff([]chat.Member{ann, bob}, got[1].Members); diff != "" {
		t.Errorf("members after bob joined b (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(sent, got[2:]); diff != "" {
		t.Errorf("messages delivered (-want +got):\n%s", diff)
	}
	stored, err := b.Since(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sent, stored); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
}
