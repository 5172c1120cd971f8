package history

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"example.com/wswalk/05-gorilla-chat/chat"
	"example.com/wswalk/testkit/redistest"
	"github.com/google/go-cmp/cmp"
)

// The tutorial stored the room with RPUSH + LTRIM and read it with
// LRANGE key -1 -100: start -1 (the newest) comes after stop -100, so Redis
// answers an empty list. Ours reads -100 -1: the 100 newest, oldest first.
func TestTutorialLrangeBug(t *testing.T) {
	t.Parallel()
	url := redistest.URL(t)
	room := uniqueRoom(t, url)
	rdb := client(t, url)
	ctx := context.Background()

	tutorialKey := room + ":tutorial"
	t.Cleanup(func() { rdb.Del(ctx, tutorialKey) })
	for i := 1; i <= 120; i++ {
		rdb.RPush(ctx, tutorialKey, fmt.Sprintf("message %d", i))
		rdb.LTrim(ctx, tutorialKey, -100, -1)
	}
	got, err := rdb.LRange(ctx, tutorialKey, -1, -100).Result()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{}, got); diff != "" {
		t.Errorf("the tutorial's LRANGE key -1 -100 (-want +got):\n%s", diff)
	}

	h := open(t, url, room, 100, nil)
	for i := 1; i <= 120; i++ {
		say(t, h, fmt.Sprintf("message %d", i))
	}
	events, err := h.Since(ctx, chat.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := 21; i <= 120; i++ {
		want = append(want, fmt.Sprintf("message %d", i))
	}
	if diff := cmp.Diff(want, bodies(events)); diff != "" {
		t.Errorf("our history (-want +got):\n%s", diff)
	}
}

// Many senders at once, on two servers (two Stores) of one room: the list
// never holds more than 100, the IDs are 1..N without a gap or a repeat,
// and the kept ones are the 100 newest.
func TestTrimUnderConcurrentSenders(t *testing.T) {
	t.Parallel()
	url := redistest.URL(t)
	room := uniqueRoom(t, url)
	servers := []*Store{open(t, url, room, 100, nil), open(t, url, room, 100, nil)}
	h := servers[0]
	const senders, each = 8, 30
	var wg sync.WaitGroup
	seen := make([][]string, senders)
	for s := range senders {
		wg.Go(func() {
			for i := range each {
				e, err := servers[s%2].Add(context.Background(),
					chat.Event{Type: chat.TypeMessage, Username: "ann", Body: fmt.Sprintf("s%d-%d", s, i)})
				if err != nil {
					t.Errorf("sender %d: %v", s, err)
					return
				}
				seen[s] = append(seen[s], e.ID)
			}
		})
	}
	wg.Wait()
	n, err := client(t, url).LLen(context.Background(), h.Keys().History).Result()
	if err != nil || n != 100 {
		t.Fatalf("LLEN = %d, %v; want 100", n, err)
	}
	events, err := h.Since(context.Background(), chat.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for id := senders*each - 99; id <= senders*each; id++ {
		want = append(want, strconv.Itoa(id))
	}
	if diff := cmp.Diff(want, ids(events)); diff != "" {
		t.Errorf("kept IDs (-want +got):\n%s", diff)
	}
	given := map[string]bool{}
	for _, s := range seen {
		for _, id := range s {
			if given[id] {
				t.Errorf("ID %s given twice", id)
			}
			given[id] = true
		}
	}
	if len(given) != senders*each {
		t.Errorf("%d distinct IDs, want %d", len(given), senders*each)
	}
	for s, got := range seen { // one sender's messages keep its order
		for i := 1; i < len(got); i++ {
			if a, b := mustAtoi(t, got[i-1]), mustAtoi(t, got[i]); a >= b {
				t.Errorf("sender %d got ID %d after %d", s, b, a)
			}
		}
	}
}

// IDs increase by one, Since returns exactly what came after, oldest first,
// with every field as it was added.
func TestOrderAndIDs(t *testing.T) {
	t.Parallel()
	url := redistest.URL(t)
	h := open(t, url, uniqueRoom(t, url), 100, nil)
	var added []chat.Event
	for _, b := range []string{"one", "two", "three", "four"} {
		added = append(added, say(t, h, b))
	}
	if diff := cmp.Diff([]string{"1", "2", "3", "4"}, ids(added)); diff != "" {
		t.Errorf("IDs (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		since string
		want  []chat.Event
		err   error
	}{
		{"", added, nil},
		{"0", added, nil},
		{"2", added[2:], nil},
		{"4", []chat.Event{}, nil},
		{"9", added, chat.ErrReset}, // an ID never given: from the future
	} {
		got, err := since(t, h, tc.since, "")
		if !errors.Is(err, tc.err) || (tc.err == nil && err != nil) {
			t.Fatalf("Since(%q): %v, want %v", tc.since, err, tc.err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Since(%q) (-want +got):\n%s", tc.since, diff)
		}
	}
}

// since reads h after the cursor ?since=id&epoch=epoch.
func since(t testing.TB, h chat.History, id, epoch string) ([]chat.Event, error) {
	t.Helper()
	c, err := chat.ParseCursor(id, epoch)
	if err != nil {
		t.Fatalf("ParseCursor(%q): %v", id, err)
	}
	return h.Since(context.Background(), c)
}

// The epoch names the history. It stays while Redis keeps its data; when
// the data is gone (here deleted, as a restart without persistence
// would), a client resuming from the old epoch is told (ErrReset), and
// the IDs go on increasing past every ID given before: none is reused.
func TestEpochAndDataLoss(t *testing.T) {
	t.Parallel()
	url := redistest.URL(t)
	room := uniqueRoom(t, url)
	h := open(t, url, room, 100, nil)
	one, two := say(t, h, "one"), say(t, h, "two")
	if one.Epoch == "" || one.Epoch != two.Epoch {
		t.Fatalf("epochs %q, %q: want one, the same", one.Epoch, two.Epoch)
	}
	if got, err := since(t, h, one.ID, one.Epoch); err != nil || len(got) != 1 {
		t.Fatalf("Since(one) in its epoch: %v, %v", bodies(got), err)
	}
	k := h.Keys()
	client(t, url).Del(context.Background(), k.Seq, k.History, k.Epoch)

	got, err := since(t, h, two.ID, two.Epoch)
	if !errors.Is(err, chat.ErrReset) || len(got) != 0 {
		t.Errorf("Since(two) after the loss: %v, %v; want nothing and ErrReset", bodies(got), err)
	}
	three := say(t, h, "three")
	if three.Epoch == two.Epoch || mustAtoi(t, three.ID) <= mustAtoi(t, two.ID) {
		t.Errorf("after the loss: id %s epoch %s; want an id above %s and a new epoch", three.ID, three.Epoch, two.ID)
	}
	got, err = since(t, h, two.ID, two.Epoch)
	if !errors.Is(err, chat.ErrReset) || !cmp.Equal([]string{"three"}, bodies(got)) {
		t.Errorf("Since(two) in the new epoch: %v, %v; want [three] and ErrReset", bodies(got), err)
	}
}

// An Add with a key stored already stores nothing and answers the stored
// message: the retry after a lost answer that doubled messages before.
func TestSameKeyStoredOnce(t *testing.T) {
	t.Parallel()
	url := redistest.URL(t)
	h := open(t, url, uniqueRoom(t, url), 100, nil)
	ctx := context.Background()
	first, err := h.Add(ctx, chat.Event{Username: "ann", Body: "hi", Key: "k-1"})
	if err != nil {
		t.Fatal(err)
	}
	again, err := h.Add(ctx, chat.Event{Username: "ann", Body: "hi", Key: "k-1"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, again); diff != "" {
		t.Errorf("the second Add (-first +second):\n%s", diff)
	}
	got, _ := since(t, h, "", "")
	if diff := cmp.Diff([]string{"hi"}, bodies(got)); diff != "" {
		t.Errorf("stored (-want +got):\n%s", diff)
	}
}

// A restarted server (a new Store on the same Redis) replays the same
// history, answers Since as before, and goes on with the next ID.
func TestSinceAcrossRestart(t *testing.T) {
	t.Parallel()
	url := redistest.URL(t)
	room := uniqueRoom(t, url)
	before := open(t, url, room, 100, nil)
	var added []chat.Event
	for _, b := range []string{"a", "b", "c"} {
		added = append(added, say(t, before, b))
	}
	before.Close()

	after := open(t, url, room, 100, nil)
	got, err := since(t, after, "1", added[0].Epoch)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(added[1:], got); diff != "" {
		t.Errorf("Since(1) after a restart (-want +got):\n%s", diff)
	}
	if e := say(t, after, "d"); e.ID != "4" {
		t.Errorf("next ID after a restart = %q, want 4", e.ID)
	}
}

// Asking for messages that were trimmed away: ErrTooOld, with what is kept.
func TestErrTooOld(t *testing.T) {
	t.Parallel()
	url := redistest.URL(t)
	h := open(t, url, uniqueRoom(t, url), 5, nil)
	for i := 1; i <= 10; i++ {
		say(t, h, strconv.Itoa(i))
	}
	got, err := since(t, h, "3", "")
	if !errors.Is(err, chat.ErrTooOld) {
		t.Errorf("Since(3) error = %v, want ErrTooOld", err)
	}
	if diff := cmp.Diff([]string{"6", "7", "8", "9", "10"}, bodies(got)); diff != "" {
		t.Errorf("Since(3) kept (-want +got):\n%s", diff)
	}
	got, err = since(t, h, "5", "") // 6 is the oldest kept: nothing missed
	if err != nil {
		t.Errorf("Since(5): %v", err)
	}
	if diff := cmp.Diff([]string{"6", "7", "8", "9", "10"}, bodies(got)); diff != "" {
		t.Errorf("Since(5) (-want +got):\n%s", diff)
	}
}

// Something else wrote into our list: it is skipped with a log line.
func TestBadDataSkipped(t *testing.T) {
	t.Parallel()
	url := redistest.URL(t)
	var logs logBuffer
	h := open(t, url, uniqueRoom(t, url), 100, &logs)
	say(t, h, "before")
	rdb := client(t, url)
	rdb.RPush(context.Background(), h.Keys().History, "not json {", `{"id":"x"}`)
	say(t, h, "after")
	got, err := h.Since(context.Background(), chat.Cursor{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"before", "after"}, bodies(got)); diff != "" {
		t.Errorf("Since after bad data (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(2, strings.Count(logs.String(), "skipping a bad history entry")); diff != "" {
		t.Errorf("log lines about bad entries (-want +got):\n%s\nlog:\n%s", diff, logs.String())
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("ID %q is not a number", s)
	}
	return n
}
