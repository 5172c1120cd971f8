package chat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"sync"
	"time"
)

// MemoryHistory is the History kept in this process: the last n messages,
// with IDs given out one by one in order. It is lost when the process ends;
// chapter 06 keeps the same thing in Redis.
//
// Two things make a restart visible rather than silent. The first ID is
// not 1 but the start time in microseconds plus one, so a restarted server
// keeps giving IDs larger than any it gave before: a page that reconnects
// with ?since=ID would otherwise take the new "1", "2", ... for messages
// it had already shown, and hide them. And each process has an epoch of
// its own, so a page that resumes from the last process's history is told
// that history is gone (ErrReset) instead of being given a gap.
type MemoryHistory struct {
	mu    sync.Mutex
	max   int
	epoch string
	last  uint64  // the ID given to the newest message (the base before any)
	kept  []Event // oldest first, at most max
}

// NewMemoryHistory keeps the last n messages (n <= 0 means 100).
func NewMemoryHistory(n int) *MemoryHistory {
	if n <= 0 {
		n = DefaultHistory
	}
	return &MemoryHistory{max: n, epoch: NewEpoch(), last: uint64(time.Now().UnixMicro())}
}

// NewEpoch returns a random epoch: 8 bytes in hex.
func NewEpoch() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Epoch names this history.
func (h *MemoryHistory) Epoch() string { return h.epoch }

// Add gives e the next ID, keeps it, and forgets the oldest beyond n. A
// key already kept returns that message, stored once.
func (h *MemoryHistory) Add(_ context.Context, e Event) (Event, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if e.Key != "" {
		for _, k := range h.kept {
			if k.Key == e.Key {
				return k, nil
			}
		}
	}
	h.last++
	e.ID = strconv.FormatUint(h.last, 10)
	e.Epoch = h.epoch
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

// Since returns the kept messages after c, oldest first: all of them with
// ErrReset when c is from another epoch or names an ID never given, and
// with ErrTooOld when messages after c.After were forgotten.
func (h *MemoryHistory) Since(_ context.Context, c Cursor) ([]Event, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	first := h.last - uint64(len(h.kept)) + 1 // ID of kept[0]
	switch {
	case c.Epoch != "" && c.Epoch != h.epoch, c.After > h.last:
		return h.copyFrom(0), ErrReset
	case c.After == 0:
		return h.copyFrom(0), nil
	case c.After+1 < first:
		return h.copyFrom(0), ErrTooOld
	}
	return h.copyFrom(int(c.After + 1 - first)), nil
}

func (h *MemoryHistory) copyFrom(i int) []Event {
	return append([]Event(nil), h.kept[i:]...)
}
