package room

import (
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// drain returns whatever m has waiting, messages first, without blocking.
func drain(r *Room[string], m *Member[string]) (messages, notices []string) {
	for {
		select {
		case msg := <-m.Messages():
			messages = append(messages, msg)
		case <-m.Noticed():
			notices = append(notices, r.Notices(m)...)
		default:
			return messages, notices
		}
	}
}

// TestArrivalEvictsNoOne: a thousand members arrive and nobody reads a
// thing. Joins cost no queue place, so no one is evicted, and the one
// presence notice each has waiting says a thousand are here.
func TestArrivalEvictsNoOne(t *testing.T) {
	t.Parallel()
	var made atomic.Int32
	r := &Room[string]{Queue: 2, PresenceEvery: time.Hour}
	r.Presence = func(last Change) string {
		made.Add(1)
		return "here: " + strconv.Itoa(r.Len())
	}
	var members []*Member[string]
	for i := range 1000 {
		members = append(members, r.Join(strconv.Itoa(i), "m"+strconv.Itoa(i), nil))
	}
	if got := r.Len(); got != 1000 {
		t.Fatalf("members after the arrival: %d, want 1000", got)
	}
	// The first join was told at once; the other 999 wait for one batch.
	if got := made.Load(); got != 1 {
		t.Errorf("presence notices made during the arrival: %d, want 1", got)
	}
	r.announcePresence() // the batch, without waiting an hour
	for i, m := range members {
		// Member 0's unsent "here: 1" was replaced in place.
		_, notices := drain(r, m)
		want := []string{"here: 1000"}
		if diff := cmp.Diff(want, notices); diff != "" {
			t.Fatalf("member %d's notices (-want +got):\n%s", i, diff)
		}
	}
}

// TestSlowReaderEvicted: chat messages do count. A member that reads
// nothing is evicted when its queue is full; one that reads is not, and
// gets every message in order.
func TestSlowReaderEvicted(t *testing.T) {
	t.Parallel()
	r := &Room[string]{Queue: 2}
	slow, fast := r.Join("1", "slow", nil), r.Join("2", "fast", nil)
	var got []string
	var evicted []string
	for i := range 5 {
		for _, m := range r.Send("msg " + strconv.Itoa(i)) {
			evicted = append(evicted, m.Name)
		}
		msgs, _ := drain(r, fast)
		got = append(got, msgs...)
	}
	if diff := cmp.Diff([]string{"slow"}, evicted); diff != "" {
		t.Errorf("evicted (-want +got):\n%s", diff)
	}
	if !slow.Evicted() || fast.Evicted() {
		t.Errorf("Evicted: slow %v, fast %v; want true, false", slow.Evicted(), fast.Evicted())
	}
	select {
	case <-slow.Gone():
	default:
		t.Error("the evicted member's Gone is not closed")
	}
	if diff := cmp.Diff([]string{"msg 0", "msg 1", "msg 2", "msg 3", "msg 4"}, got); diff != "" {
		t.Errorf("the reader's messages (-want +got):\n%s", diff)
	}
	r.Leave(slow) // its connection ends later: no second offline, no panic
	if got := r.Len(); got != 1 {
		t.Errorf("members: %d, want 1", got)
	}
}

// TestNoticesReplaceAndKeepOrder: the newest notice of a kind replaces
// the unsent one; notices of different kinds come in the order made,
// then the member's own.
func TestNoticesReplaceAndKeepOrder(t *testing.T) {
	t.Parallel()
	r := &Room[string]{}
	m := r.Join("1", "ann", nil)
	r.Announce("status", "degraded")
	r.Announce("topic", "go")
	r.Announce("status", "recovered")
	r.Tell(m, "your message was too long")
	r.Tell(m, "your message was empty")
	_, notices := drain(r, m)
	want := []string{"go", "recovered", "your message was empty"}
	if diff := cmp.Diff(want, notices); diff != "" {
		t.Errorf("notices (-want +got):\n%s", diff)
	}
	if _, again := drain(r, m); len(again) != 0 {
		t.Errorf("notices written twice: %q", again)
	}
	// A newcomer hears the room's state, but not its neighbour's answer.
	late := r.Join("2", "bob", nil)
	_, notices = drain(r, late)
	if diff := cmp.Diff([]string{"go", "recovered"}, notices); diff != "" {
		t.Errorf("the newcomer's notices (-want +got):\n%s", diff)
	}
}

// TestPresenceBatched: while people keep coming, presence is made at most
// once per PresenceEvery, the last batch tells the final count, and a
// joiner is not sent the stale notice from before it came.
func TestPresenceBatched(t *testing.T) {
	t.Parallel()
	const every = 20 * time.Millisecond
	var made atomic.Int32
	r := &Room[string]{PresenceEvery: every}
	r.Presence = func(last Change) string {
		made.Add(1)
		return last.Name + " +" + strconv.Itoa(r.Len())
	}
	first := r.Join("0", "m0", nil)
	start := time.Now()
	var last *Member[string]
	for i := 1; i < 200; i++ {
		last = r.Join(strconv.Itoa(i), "m"+strconv.Itoa(i), nil)
	}
	elapsed := time.Since(start)
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, notices := drain(r, last)
		if len(notices) > 0 && notices[len(notices)-1] == "m199 +200" {
			break
		}
		for _, n := range notices {
			if n == "m0 +1" {
				t.Fatalf("a later joiner got the presence from before it came: %q", notices)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no notice of the 200th join (last seen %q)", notices)
		}
		time.Sleep(every / 2)
	}
	// One at once, then one per period the arrival took, plus the last.
	if max := 2 + int32(elapsed/every); made.Load() > max {
		t.Errorf("%d presence notices for 200 joins in %v, want at most %d", made.Load(), elapsed, max)
	}
	if _, notices := drain(r, first); len(notices) == 0 || notices[len(notices)-1] != "m199 +200" {
		t.Errorf("the first member's last notice: %q, want m199 +200", notices)
	}
}

// TestWakeCalled: a member's wake is called for everything its writer
// must see, so a writer that runs only while there is mail is started.
func TestWakeCalled(t *testing.T) {
	t.Parallel()
	var wakes atomic.Int32
	r := &Room[string]{Queue: 1}
	m := r.Join("1", "ann", func() { wakes.Add(1) })
	step := func(what string, do func()) {
		t.Helper()
		before := wakes.Load()
		do()
		if wakes.Load() == before {
			t.Errorf("%s: wake not called", what)
		}
	}
	step("a message", func() { r.Send("hi") })
	step("a notice", func() { r.Announce("status", "ok") })
	step("an answer", func() { r.Tell(m, "too long") })
	step("WakeAll", r.WakeAll)
	step("eviction", func() { r.Send("the queue of 1 is full") })
	if !m.Evicted() {
		t.Fatal("not evicted")
	}
	other := r.Join("2", "bob", func() { wakes.Add(1) })
	step("leaving", func() { r.Leave(other) })
}
