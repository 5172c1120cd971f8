package chat

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestMemoryHistoryKeepsTheLastN(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := NewMemoryHistory(3)
	var ids []string
	for i := range 5 {
		e, err := h.Add(ctx, Event{Type: TypeMessage, Body: fmt.Sprint(i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	for i := 1; i < len(ids); i++ {
		if idNum(t, ids[i]) != idNum(t, ids[i-1])+1 {
			t.Fatalf("ids %v do not increase by one", ids)
		}
	}
	bodiesOf := func(es []Event) []string {
		out := []string{}
		for _, e := range es {
			out = append(out, e.Body)
		}
		return out
	}
	epoch := h.Epoch()
	tests := []struct {
		since, epoch string
		want         []string
		err          error
	}{
		{since: "", want: []string{"2", "3", "4"}},
		{since: ids[1], want: []string{"2", "3", "4"}}, // the oldest kept follows it
		{since: ids[2], want: []string{"3", "4"}},
		{since: ids[2], epoch: epoch, want: []string{"3", "4"}},
		{since: ids[4], want: []string{}},
		{since: ids[0], want: []string{"2", "3", "4"}, err: ErrTooOld}, // "1" is gone
		// An ID never given, or another history's: what is kept, and ErrReset.
		{since: fmt.Sprint(idNum(t, ids[4]) + 1), want: []string{"2", "3", "4"}, err: ErrReset},
		{since: ids[3], epoch: "another", want: []string{"2", "3", "4"}, err: ErrReset},
	}
	for _, tt := range tests {
		cur, err := ParseCursor(tt.since, tt.epoch)
		if err != nil {
			t.Fatalf("ParseCursor(%q): %v", tt.since, err)
		}
		got, err := h.Since(ctx, cur)
		if !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
			t.Errorf("Since(%q, %q): err = %v, want %v", tt.since, tt.epoch, err, tt.err)
		}
		diff(t, "Since("+tt.since+")", tt.want, bodiesOf(got))
	}
	// A retry with a key already stored stores nothing.
	first, _ := h.Add(ctx, Event{Body: "once", Key: "k1"})
	again, _ := h.Add(ctx, Event{Body: "once", Key: "k1"})
	diff(t, "the same key twice", first, again)
}

// ParseCursor: one contract for ?since= in chapters 05 and 06.
func TestParseCursor(t *testing.T) {
	t.Parallel()
	for since, ok := range map[string]bool{
		"": true, "0": true, "42": true, "9223372036854775807": true,
		"9223372036854775808": false, "18446744073709551615": false, "-1": false, "x": false, " 1": false,
	} {
		_, err := ParseCursor(since, "")
		if (err == nil) != ok {
			t.Errorf("ParseCursor(%q): err = %v, want ok %v", since, err, ok)
		}
	}
}

// A restarted server's in-memory history gives IDs above those of the one
// before, so a page reconnecting with ?since= never hides new messages.
func TestMemoryHistoryIDsGrowAcrossRestarts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	before, _ := NewMemoryHistory(0).Add(ctx, Event{Body: "a"})
	// A restart takes far longer than the microsecond the IDs count in.
	for start := time.Now().UnixMicro(); time.Now().UnixMicro() <= start+1; {
	}
	after, _ := NewMemoryHistory(0).Add(ctx, Event{Body: "b"})
	if idNum(t, after.ID) <= idNum(t, before.ID) {
		t.Errorf("restarted history's first id %s <= the old one's %s", after.ID, before.ID)
	}
	old := Cursor{After: uint64(idNum(t, before.ID)), Epoch: before.Epoch}
	if _, err := NewMemoryHistory(0).Since(ctx, old); !errors.Is(err, ErrReset) {
		t.Errorf("a restarted history asked for what came after an old id: err = %v, want ErrReset", err)
	}
}

// racyHistory posts a message while the joiner's history is being read,
// one just before the read and one just after it. The first is then both
// queued for the joiner and in its replay; the second only queued, so a
// joiner that joined after reading would never get it.
type racyHistory struct {
	*MemoryHistory
	before, after func()
}

func (h *racyHistory) Since(ctx context.Context, c Cursor) ([]Event, error) {
	if h.before == nil {
		return h.MemoryHistory.Since(ctx, c)
	}
	h.before()
	events, err := h.MemoryHistory.Since(ctx, c)
	h.after()
	h.before, h.after = nil, nil
	return events, err
}

func TestMessagePostedDuringReplayArrivesOnce(t *testing.T) {
	t.Parallel()
	h := &racyHistory{MemoryHistory: NewMemoryHistory(0)}
	r := startRoom(t, Config{History: h})
	post := func(body string) func() {
		return func() {
			if err := r.Publish(context.Background(), "clock", body); err != nil {
				t.Error(err)
			}
		}
	}
	h.before, h.after = post("before the read"), post("after the read")
	p := dial(t, r.wsURL("/ws?username=ann"), nil)
	want := []said{{"clock", "before the read"}, {"clock", "after the read"}}
	var got []Event
	deadline := time.Now().Add(2 * time.Second)
	for len(got) < len(want) {
		p.conn.SetReadDeadline(deadline)
		var e Event
		if err := p.conn.ReadJSON(&e); err != nil {
			t.Fatalf("the joiner got %v of the messages posted while it joined, then nothing (%v): "+
				"a message posted after the history was read reached neither its replay nor its queue", bodies(got), err)
		}
		if e.Type == TypeMessage {
			got = append(got, e)
		}
	}
	diff(t, "joiner's messages", want, bodies(got))
	p.say("next")
	diff(t, "then, nothing twice", []said{{"ann", "next"}}, bodies(p.messages(1)))
}
