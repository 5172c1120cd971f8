package chat

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// MemoryHistory is the History kept in this process: the last n messages,
// with IDs given out one by one in order. It is lost when the process ends;
// chapter 06 keeps the same thing in Redis.
//
// The first ID is not 1 but the start time in microseconds plus one, so a
// restarted server keeps giving IDs larger than any it gave before: a page
// that reconnects with ?since=ID after a restart would otherwise take the
// new "1", "2", ... for messages it had already shown, and hide them.
type MemoryHistory struct {
	mu   sync.Mutex
	max  int
	last uint64  // the ID given to the newest message (the base before any)
	kept []Event // oldest first, at most max
}

// NewMemoryHistory keeps the last n messages (n <= 0 means 100).
func NewMemoryHistory(n int) *MemoryHistory {
	if n <= 0 {
		n = DefaultHistory
	}
	return &MemoryHistory{max: n, last: uint64(time.Now().UnixMicro())}
}

// Add gives e the next ID, keeps it, and forgets the oldest beyond n.
func (h *MemoryHistory) Add(_ context.Context, e Event) (Event, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.last++
	e.ID = strconv.FormatUint(h.last, 10)
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	if len(h.kept) == h.max {
		// Shift rather than reslice so the backing array stays n long.
		copy(h.kept, h.kept[1:])
		h.kept = h.kept[:h.max-1]
	}
	h.kept = append(h.kept, e)
	return e, nil
}

// Since returns the kept messages after id, oldest first. When messages
// after id have been forgotten (id is older than what is kept), or id is
// one this history never gave (the server restarted), it returns every
// kept message together with ErrTooOld.
func (h *MemoryHistory) Since(_ context.Context, id string) ([]Event, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if id == "" {
		return h.copyFrom(0), nil
	}
	after, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("chat: since %q is not a message id", id)
	}
	first := h.last - uint64(len(h.kept)) + 1 // ID of kept[0]
	switch {
	case after > h.last:
		return h.copyFrom(0), ErrTooOld
	case after+1 < first:
		return h.copyFrom(0), ErrTooOld
	}
	return h.copyFrom(int(after + 1 - first)), nil
}

func (h *MemoryHistory) copyFrom(i int) []Event {
	return append([]Event(nil), h.kept[i:]...)
}
