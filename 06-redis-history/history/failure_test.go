package history

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"example.com/wswalk/05-gorilla-chat/chat"
	"example.com/wswalk/testkit/redistest"
	"github.com/google/go-cmp/cmp"
)

// Redis unreachable at start: Open says so, and the caller falls back.
func TestOpenUnreachable(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	srv.Stop()
	_, err := Open(context.Background(), Options{URL: srv.URL(), Timeout: 200 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), srv.Addr()) {
		t.Errorf("Open on a stopped Redis: %v, want an error naming %s", err, srv.Addr())
	}
}

// Redis stopped mid-chat and started again (empty, as after a crash
// without persistence): the room keeps chatting with increasing IDs, Add
// reports ErrDegraded, the queue is written back when Redis returns, the
// subscription comes back and catches up, and nothing leaks.
func TestRedisLostAndBack(t *testing.T) {
	goroutines := runtime.NumGoroutine()
	srv := redistest.Start(t)
	var logs logBuffer
	room := "lobby"
	a := open(t, srv.URL(), room, 100, &logs)
	b := open(t, srv.URL(), room, 100, nil)
	ctx, cancel := context.WithCancel(context.Background())
	recA, recB := &recorder{}, &recorder{}
	doneA, doneB := make(chan error, 1), make(chan error, 1)
	go func() { doneA <- a.Subscribe(ctx, recA) }()
	go func() { doneB <- b.Subscribe(ctx, recB) }()
	eventually(t, 5*time.Second, "both subscribed", func() bool {
		n, _ := a.rdb.HLen(context.Background(), a.keys.Members).Result()
		return n == 2
	})

	one := say(t, a, "one")
	eventually(t, 5*time.Second, "b gets one", func() bool { return len(recB.got()) == 1 })

	srv.Stop()
	two, err := a.Add(context.Background(), chat.Event{Type: chat.TypeMessage, Username: "ann", Body: "two"})
	if !errors.Is(err, chat.ErrDegraded) {
		t.Fatalf("Add with Redis stopped: %v, want ErrDegraded", err)
	}
	three, err := a.Add(context.Background(), chat.Event{Type: chat.TypeMessage, Username: "ann", Body: "three"})
	if !errors.Is(err, chat.ErrDegraded) {
		t.Fatalf("second Add with Redis stopped: %v, want ErrDegraded", err)
	}
	if diff := cmp.Diff([]string{"2", "3"}, []string{two.ID, three.ID}); diff != "" {
		t.Errorf("IDs while degraded (-want +got):\n%s", diff)
	}
	if !a.Degraded() {
		t.Error("Degraded() = false with messages queued")
	}
	got, err := a.Since(context.Background(), "")
	if !errors.Is(err, chat.ErrDegraded) {
		t.Errorf("Since with Redis stopped: %v, want ErrDegraded", err)
	}
	if diff := cmp.Diff([]chat.Event{one, two, three}, got); diff != "" {
		t.Errorf("Since from memory (-want +got):\n%s", diff)
	}
	if err := a.Publish(context.Background(), two); err == nil {
		t.Error("Publish with Redis stopped gave no error")
	}

	srv.Restart()
	eventually(t, 10*time.Second, "queue written back", func() bool { return !a.Degraded() })
	got, err = a.Since(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]chat.Event{two, three}, got); diff != "" {
		t.Errorf("history after Redis came back, empty (-want +got):\n%s", diff)
	}
	// Cross-server delivery resumes by itself, with IDs still increasing.
	four := say(t, a, "four")
	if four.ID != "4" {
		t.Errorf("ID after recovery = %q, want 4", four.ID)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(only(recB.got(), chat.TypeMessage)) != 4 || len(only(recA.got(), chat.TypeMessage)) != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("after 10s, b got %v and a got %v; want 4 and 2 messages\nlog:\n%s",
				ids(only(recB.got(), chat.TypeMessage)), ids(only(recA.got(), chat.TypeMessage)), logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if diff := cmp.Diff([]chat.Event{one, two, three, four}, only(recB.got(), chat.TypeMessage)); diff != "" {
		t.Errorf("b's deliveries (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]chat.Event{one, four}, only(recA.got(), chat.TypeMessage)); diff != "" {
		t.Errorf("a's deliveries: its own queued messages were already shown locally (-want +got):\n%s", diff)
	}
	// Each server told its clients once that the room was degraded.
	for name, rec := range map[string]*recorder{"a": recA, "b": recB} {
		errs := only(rec.got(), chat.TypeError)
		if len(errs) != 1 || !strings.Contains(errs[0].Body, "degraded") {
			t.Errorf("%s delivered error events %+v, want one saying degraded", name, errs)
		}
	}
	for _, want := range []string{"Redis lost", "Redis back: 2 messages (from id 2)"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}

	cancel()
	for _, done := range []chan error{doneA, doneB} {
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Subscribe returned %v", err)
		}
	}
	a.Close()
	b.Close()
	eventually(t, 5*time.Second, "goroutines back to where they were", func() bool {
		return runtime.NumGoroutine() <= goroutines
	})
}

// only keeps the events of one type.
func only(events []chat.Event, typ string) []chat.Event {
	out := []chat.Event{}
	for _, e := range events {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}
