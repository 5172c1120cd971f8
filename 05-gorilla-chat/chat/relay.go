package chat

import (
	"context"
	"sync"
)

// LocalRelay is a Relay inside one process: every Subscribe receives every
// Publish, all in the one order the publishes took the lock. It joins
// several Servers in one program into one room, which is how the tests
// check the relay logic that chapter 06 runs over Redis Pub/Sub.
type LocalRelay struct {
	mu   sync.Mutex
	subs map[*subscription]struct{}
}

// subscription is one subscriber's queue. It is unbounded, so Publish
// never waits for a slow subscriber; the hub behind it never blocks.
type subscription struct {
	mu     sync.Mutex
	queue  []Event
	notify chan struct{} // has a value when queue may be non-empty
}

// NewLocalRelay returns a relay with no subscribers yet.
func NewLocalRelay() *LocalRelay {
	return &LocalRelay{subs: make(map[*subscription]struct{})}
}

// Publish hands e to every current subscriber.
func (r *LocalRelay) Publish(ctx context.Context, e Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for s := range r.subs {
		s.mu.Lock()
		s.queue = append(s.queue, e)
		s.mu.Unlock()
		select {
		case s.notify <- struct{}{}:
		default:
		}
	}
	return nil
}

// Subscribe calls deliver for every event published from now on, in order,
// until ctx ends.
func (r *LocalRelay) Subscribe(ctx context.Context, deliver func(Event)) error {
	s := &subscription{notify: make(chan struct{}, 1)}
	r.mu.Lock()
	r.subs[s] = struct{}{}
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.subs, s)
		r.mu.Unlock()
	}()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.notify:
		}
		s.mu.Lock()
		batch := s.queue
		s.queue = nil
		s.mu.Unlock()
		for _, e := range batch {
			deliver(e)
		}
	}
}
