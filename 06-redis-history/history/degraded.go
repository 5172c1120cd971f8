package history

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"example.com/wswalk/05-gorilla-chat/chat"
)

// degrade accepts e while Redis is away: it gets the next ID this room
// knows of, stays in memory, and is queued for the flusher. The room keeps
// chatting; the hub tells its clients that history is degraded.
func (r *Room) degrade(e chat.Event, cause error) (chat.Event, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.floor++
	e.ID = strconv.FormatInt(r.floor, 10)
	if len(r.pending) == 0 {
		r.lostAt = time.Now()
		r.log.Printf("history: Redis lost (%v): keeping messages in memory from id %s, retrying with backoff", cause, e.ID)
	}
	r.pending = append(r.pending, e)
	r.see(e)
	closed := false
	select {
	case <-r.done:
		closed = true // Close reports what is left
	default:
	}
	if !r.flushing && !closed {
		r.flushing = true
		r.wg.Add(1)
		go r.flush()
	}
	if cause == nil {
		cause = fmt.Errorf("%d earlier messages still queued", len(r.pending)-1)
	}
	return e, fmt.Errorf("%w: %v", chat.ErrDegraded, cause)
}

// flush writes the queued messages to Redis, oldest first, waiting longer
// after each failure (RetryMin doubling up to RetryMax), and publishes each
// so other servers deliver it, marked as already shown here. Each keeps its ID
// when the counter allows (the clients here already saw it); when another
// server gave that ID out meanwhile, Redis gives a new one and the log says
// so. It returns when the queue is empty or the room closes.
func (r *Room) flush() {
	defer r.wg.Done()
	wait := r.retryMin
	attempts, written := 0, 0
	first := ""
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case <-r.done:
			r.mu.Lock()
			r.flushing = false
			r.mu.Unlock()
			return
		case <-timer.C:
		}
		r.mu.Lock()
		if len(r.pending) == 0 {
			r.flushing = false
			r.mu.Unlock()
			return
		}
		next := r.pending[0]
		r.mu.Unlock()
		if first == "" {
			first = next.ID
		}

		attempts++
		id, err := r.store(context.Background(), next, idOf(next), true)
		if err != nil {
			wait = min(2*wait, r.retryMax)
			timer.Reset(wait)
			continue
		}
		r.mu.Lock()
		r.pending = r.pending[1:]
		written++
		r.flushedOwn[id] = true
		if id > r.floor {
			r.floor = id
		}
		if id != idOf(next) {
			r.log.Printf("history: message %s written to Redis as %d (the id was taken meanwhile)", next.ID, id)
		}
		if len(r.pending) == 0 {
			r.log.Printf("history: Redis back: %d messages (from id %s) kept in memory for %v written after %d attempts",
				written, first, time.Since(r.lostAt).Round(time.Millisecond), attempts)
			r.flushing = false
			r.mu.Unlock()
			return
		}
		r.mu.Unlock()
		wait = r.retryMin
		timer.Reset(0)
	}
}
