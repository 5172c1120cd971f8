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
	events, err := h.Since(ctx, "")
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

// Many senders at once, on two servers (two Rooms) of one room: the list
// never holds more than 100, the IDs are 1..N without a gap or a repeat,
// and the kept ones are the 100 newest.
func TestTrimUnderConcurrentSenders(t *testing.T) {
	t.Parallel()
	url := redistest.URL(t)
	room := uniqueRoom(t, url)
	servers := []*Room{open(t, url, room, 100, nil), open(t, url, room, 100, nil)}
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
	events, err := h.Since(context.Background(), "")
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
	}{
		{"", added},
		{"0", added},
		{"2", added[2:]},
		{"4", []chat.Event{}},
		{"9", []chat.Event{}},
	} {
		got, err := h.Since(context.Background(), tc.since)
		if err != nil {
			t.Fatalf("Since(%q): %v", tc.since, err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Since(%q) (-want +got):\n%s", tc.since, diff)
		}
	}
	if _, err := h.Since(context.Background(), "abc"); err == nil {
		t.Error(`Since("abc") gave no error`)
	}
}

// A restarted server (a new Room on the same Redis) replays the same
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
	got, err := after.Since(context.Background(), "1")
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
	got, err := h.Since(context.Background(), "3")
	if !errors.Is(err, chat.ErrTooOld) {
		t.Errorf("Since(3) error = %v, want ErrTooOld", err)
	}
	if diff := cmp.Diff([]string{"6", "7", "8", "9", "10"}, bodies(got)); diff != "" {
		t.Errorf("Since(3) kept (-want +got):\n%s", diff)
	}
	got, err = h.Since(context.Background(), "5") // 6 is the oldest kept: nothing missed
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
	got, err := h.Since(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"before", "after"}, bodies(got)); diff != "" {
		t.Errorf("Since after bad data (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(2, strings.Count(logs.String(), "skipping a bad entry")); diff != "" {
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
