//go:build exercises

package history

import (
	"context"
	"errors"
	"testing"
	"time"

	"example.com/wswalk/05-gorilla-chat/chat"
	"example.com/wswalk/testkit/redistest"
)

// Exercise 10: Store.Clear empties the history; the epoch changes, so a
// page resuming from before is told; the counter stays, so no ID is given
// twice.
func TestExercise10(t *testing.T) {
	t.Parallel()
	url := redistest.URL(t)
	room := uniqueRoom(t, url)
	h := open(t, url, room, 100, nil)
	clearer, ok := any(h).(interface{ Clear(context.Context) error })
	if !ok {
		t.Fatal("Store has no method Clear(ctx context.Context) error: the room cannot be emptied for a new class")
	}
	one, two := say(t, h, "one"), say(t, h, "two")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := clearer.Clear(ctx); err != nil {
		t.Fatalf("Clear: %v", err)
	}
	got, err := h.Since(ctx, chat.Cursor{})
	if err != nil || len(got) != 0 {
		t.Fatalf("Since after Clear: %v, %v; want nothing, no error", bodies(got), err)
	}
	got, err = h.Since(ctx, chat.Cursor{After: mustAtoiID(t, two.ID), Epoch: two.Epoch})
	if !errors.Is(err, chat.ErrReset) {
		t.Errorf("a page resuming after %s from before Clear: %v, %v; want ErrReset, so it is told the history is gone",
			two.ID, bodies(got), err)
	}
	// A server started after Clear knows no ID of its own: only Redis can
	// keep the IDs increasing.
	later := open(t, url, room, 100, nil)
	three := say(t, later, "three")
	if mustAtoiID(t, three.ID) <= mustAtoiID(t, two.ID) {
		t.Errorf("the first message after Clear got ID %s, at or below %s given before: "+
			"a page that showed %s would take it for one it has", three.ID, two.ID, two.ID)
	}
	if three.Epoch == one.Epoch {
		t.Errorf("the history after Clear has the old epoch %s: want a new one", three.Epoch)
	}
}

func mustAtoiID(t *testing.T, id string) uint64 {
	t.Helper()
	n, err := chat.ParseCursor(id, "")
	if err != nil {
		t.Fatalf("id %q: %v", id, err)
	}
	return n.After
}
