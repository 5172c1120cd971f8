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
	tests := []struct {
		since   string
		want    []string
		tooOld  bool
		invalid bool
	}{
		{since: "", want: []string{"2", "3", "4"}},
		{since: ids[1], want: []string{"2", "3", "4"}}, // the oldest kept follows it
		{since: ids[2], want: []string{"3", "4"}},
		{since: ids[4], want: []string{}},
		{since: ids[0], want: []string{"2", "3", "4"}, tooOld: true}, // "1" is gone
		{since: fmt.Sprint(idNum(t, ids[4]) + 1), want: []string{"2", "3", "4"}, tooOld: true},
		{since: "x", invalid: true},
	}
	for _, tt := range tests {
		got, err := h.Since(ctx, tt.since)
		switch {
		case tt.invalid:
			if err == nil || errors.Is(err, ErrTooOld) {
				t.Errorf("Since(%q): err = %v, want a not-an-id error", tt.since, err)
			}
			continue
		case tt.tooOld != errors.Is(err, ErrTooOld):
			t.Errorf("Since(%q): err = %v, want ErrTooOld: %v", tt.since, err, tt.tooOld)
		case !tt.tooOld && err != nil:
			t.Errorf("Since(%q): %v", tt.since, err)
		}
		diff(t, "Since("+tt.since+")", tt.want, bodiesOf(got))
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
	if _, err := NewMemoryHistory(0).Since(ctx, before.ID); !errors.Is(err, ErrTooOld) {
		t.Errorf("a restarted history asked for what came after an old id: err = %v, want ErrTooOld", err)
	}
}

// racyHistory posts a message while the joiner's history is being read:
// the message is then both queued for the joiner and in its replay.
type racyHistory struct {
	*MemoryHistory
	during func()
}

func (h *racyHistory) Since(ctx context.Context, id string) ([]Event, error) {
	if h.during != nil {
		h.during()
		h.during = nil
	}
	return h.MemoryHistory.Since(ctx, id)
}

func TestMessagePostedDuringReplayArrivesOnce(t *testing.T) {
	t.Parallel()
	h := &racyHistory{MemoryHistory: NewMemoryHistory(0)}
	r := startRoom(t, Config{History: h})
	h.during = func() {
		if err := r.Publish(context.Background(), "clock", "meanwhile"); err != nil {
			t.Error(err)
		}
	}
	p := dial(t, r.wsURL("/ws?username=ann"), nil)
	diff(t, "joiner's events", []kind{{TypeMessage, "clock", "meanwhile"}, {TypeOnline, "ann", ""}}, kinds(p.readN(2)))
	p.say("next")
	diff(t, "then", []kind{{TypeMessage, "ann", "next"}}, kinds(p.readN(1)))
}
