package longpoll

import (
	"context"
	"sync"
	"testing"
	"time"

	"example.com/wswalk/01-polling/poll"
	"github.com/google/go-cmp/cmp"
)

// waitFor polls cond (a test helper, not the server) until it holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
	}
}

func bodies(ms []poll.Message) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.Body)
	}
	return out
}

// TestWaitAnswersAtOnceWhenThereIsNews: no holding when the client is behind.
func TestWaitAnswersAtOnceWhenThereIsNews(t *testing.T) {
	b := NewBoard(poll.NewLog())
	b.Append("ann", "old")
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // even a finished context gets what is already there
	if diff := cmp.Diff([]string{"old"}, bodies(b.Wait(ctx, 0))); diff != "" {
		t.Fatalf("Wait (-want +got):\n%s", diff)
	}
}

// TestWaitWakesOnAppend holds a Wait, appends, and checks it returns the
// message.
func TestWaitWakesOnAppend(t *testing.T) {
	b := NewBoard(poll.NewLog())
	b.Append("ann", "seen")
	got := make(chan []poll.Message)
	go func() { got <- b.Wait(context.Background(), 1) }()
	waitFor(t, "the waiter is waiting", func() bool { return b.Waiting() == 1 })
	if _, err := b.Append("bob", "news"); err != nil {
		t.Fatal(err)
	}
	select {
	case msgs := <-got:
		if diff := cmp.Diff([]string{"news"}, bodies(msgs)); diff != "" {
			t.Fatalf("Wait (-want +got):\n%s", diff)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Wait did not return after Append")
	}
	if n := b.Waiting(); n != 0 {
		t.Fatalf("Waiting() = %d after the answer, want 0", n)
	}
}

// TestWaitIgnoresRejectedAppend: an invalid message wakes no one.
func TestWaitIgnoresRejectedAppend(t *testing.T) {
	b := NewBoard(poll.NewLog())
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	go func() {
		waitFor(t, "the waiter is waiting", func() bool { return b.Waiting() == 1 })
		b.Append("ann", "   ")
	}()
	if diff := cmp.Diff([]poll.Message{}, b.Wait(ctx, 0)); diff != "" {
		t.Fatalf("Wait after a rejected append (-want +got):\n%s", diff)
	}
}

// TestWaitTimeout: when the context ends first the answer is empty.
func TestWaitTimeout(t *testing.T) {
	b := NewBoard(poll.NewLog())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if diff := cmp.Diff([]poll.Message{}, b.Wait(ctx, 0)); diff != "" {
		t.Fatalf("Wait (-want +got):\n%s", diff)
	}
}

// TestOneAppendWakesEveryWaiter holds many Waits, some already served
// since=1 and some since=0, and checks one Append answers them all.
func TestOneAppendWakesEveryWaiter(t *testing.T) {
	const n = 1000
	b := NewBoard(poll.NewLog())
	var wg sync.WaitGroup
	answers := make([][]string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = bodies(b.Wait(context.Background(), 0))
		}()
	}
	waitFor(t, "every waiter is waiting", func() bool { return b.Waiting() == n })
	b.Append("ann", "to all")
	wg.Wait()
	for i, got := range answers {
		if diff := cmp.Diff([]string{"to all"}, got); diff != "" {
			t.Fatalf("waiter %d (-want +got):\n%s", i, diff)
		}
	}
}

// TestConcurrentAppendsLoseNothing races appenders against a reader that
// always waits for what comes after the last message it got: it must see
// every message, in order, exactly once.
func TestConcurrentAppendsLoseNothing(t *testing.T) {
	b := NewBoard(poll.NewLog())
	const writers, each = 4, 50
	for w := 0; w < writers; w++ {
		go func() {
			for i := 0; i < each; i++ {
				b.Append("w", "x")
			}
		}()
	}
	var ids []int64
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for len(ids) < writers*each && ctx.Err() == nil {
		var since int64
		if len(ids) > 0 {
			since = ids[len(ids)-1]
		}
		for _, m := range b.Wait(ctx, since) {
			ids = append(ids, m.ID)
		}
	}
	want := make([]int64, writers*each)
	for i := range want {
		want[i] = int64(i + 1)
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Fatalf("ids seen (-want +got):\n%s", diff)
	}
}
