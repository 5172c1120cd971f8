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

// recorder is the chat server's side of Subscribe: it collects the
// messages and notices (as error events) delivered, and the newest list
// of who is elsewhere.
type recorder struct {
	mu     sync.Mutex
	events []chat.Event
	others []chat.Member
}

func (r *recorder) Deliver(e chat.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *recorder) Notify(kind, body string) {
	r.Deliver(chat.Event{Type: chat.TypeError, Body: body})
}

func (r *recorder) Elsewhere(members []chat.Member) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.others = members
}

func (r *recorder) elsewhere() []chat.Member {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.others
}

func (r *recorder) got() []chat.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]chat.Event(nil), r.events...)
}

// subscribe runs the relay of s's room until the test ends and waits for
// its Subscribe to return.
func subscribe(t *testing.T, s *Store) (*Relay, *recorder) {
	t.Helper()
	r := relayFor(t, s, Options{})
	rec := &recorder{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Subscribe(ctx, rec) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != context.Canceled {
			t.Errorf("Subscribe returned %v, want context.Canceled", err)
		}
	})
	// Subscribed once this server's members entry exists.
	eventually(t, 5*time.Second, "subscribed", func() bool {
		ok, _ := s.rdb.HExists(context.Background(), s.keys.Members, s.server).Result()
		return ok
	})
	return r, rec
}

// Two servers on one room: each message is stored once, published once, and
// delivered to both in the same order; each server hears who is on the
// other, one list per server.
func TestRelayTwoServers(t *testing.T) {
	t.Parallel()
	url := redistest.URL(t)
	room := uniqueRoom(t, url)
	a, b := open(t, url, room, 100, nil), open(t, url, room, 100, nil)
	relayA, ra := subscribe(t, a)
	relayB, rb := subscribe(t, b)
	ctx := context.Background()

	ann := chat.Member{ClientID: "c1", Username: "ann"}
	bob := chat.Member{ClientID: "c2", Username: "bob"}
	relayA.Here([]chat.Member{ann})
	relayB.Here([]chat.Member{bob})
	eventually(t, 5*time.Second, "each sees the other's member", func() bool {
		return cmp.Equal(rb.elsewhere(), []chat.Member{ann}) && cmp.Equal(ra.elsewhere(), []chat.Member{bob})
	})
	var sent []chat.Event
	for i, h := range []*Store{a, b, a, b} {
		// What a server does: Add (the script publishes), then Publish.
		e := say(t, h, []string{"hi", "hello", "how are you", "fine"}[i])
		if err := relayA.Publish(ctx, e); err != nil {
			t.Fatal(err)
		}
		sent = append(sent, e)
	}
	eventually(t, 5*time.Second, "both get 4 messages", func() bool { return len(ra.got()) == 4 && len(rb.got()) == 4 })
	if diff := cmp.Diff(ra.got(), rb.got()); diff != "" {
		t.Errorf("a and b disagree (-a +b):\n%s", diff)
	}
	if diff := cmp.Diff(sent, ra.got()); diff != "" {
		t.Errorf("messages delivered (-want +got):\n%s", diff)
	}
	stored, err := b.Since(ctx, chat.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sent, stored); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
}
