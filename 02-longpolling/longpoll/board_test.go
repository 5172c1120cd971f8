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

// TestOneAppendWakesEveryWaiter holds many Waits and checks one Append
// answers them all. The waits are bounded: a broken wake-up fails in
// seconds, saying how many woke, instead of hanging.
func TestOneAppendWakesEveryWaiter(t *testing.T) {
	const n = 1000
	b := NewBoard(poll.NewLog())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	answers := make([][]string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = bodies(b.Wait(ctx, 0))
		}()
	}
	waitFor(t, "every waiter is waiting", func() bool { return b.Waiting() == n })
	b.Append("ann", "to all")
	waitAll(t, &wg, cancel)
	woke := 0
	for _, got := range answers {
		if cmp.Equal([]string{"to all"}, got) {
			woke++
		}
	}
	if woke != n {
		t.Fatalf("after one Append, %d of %d waiters woke, want all %d", woke, n, n)
	}
}

// waitAll waits for wg, but no more than 10 s: then it cancels what is
// still waiting (cancel) so the test ends and reports who was answered.
func waitAll(t *testing.T, wg *sync.WaitGroup, cancel context.CancelFunc) {
	t.Helper()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cancel()
		<-done
	}
}

// TestAppendDuringTheLookIsSeen forces the one ordering that can lose a
// message: an Append lands just after Wait looked at the store and found
// nothing. Wait must still answer it (it holds the channel that Append
// closes), not sleep until its deadline.
func TestAppendDuringTheLookIsSeen(t *testing.T) {
	var b *Board
	store := &lookHook{Store: poll.NewLog()}
	store.afterEmptyLook = func() { b.Append("ann", "just in time") }
	b = NewBoard(store)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	got := bodies(b.Wait(ctx, 0))
	if diff := cmp.Diff([]string{"just in time"}, got); diff != "" {
		t.Fatalf("a message appended while Wait looked at the store was lost: Wait answered after its 2s deadline (-want +got):\n%s", diff)
	}
}

// lookHook is a store that runs afterEmptyLook once, the first time Since
// finds nothing: the moment between Wait's look and its sleep.
type lookHook struct {
	poll.Store
	afterEmptyLook func()
	once           sync.Once
}

func (s *lookHook) Since(id int64) []poll.Message {
	msgs := s.Store.Since(id)
	if len(msgs) == 0 {
		s.once.Do(s.afterEmptyLook)
	}
	return msgs
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
