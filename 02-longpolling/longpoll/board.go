// Package longpoll holds GET /messages open until there is news: the same
// message log and API as chapter 01's short polling, but a client that asks
// "anything after 7?" waits on the server instead of asking again and again.
package longpoll

import (
	"context"
	"sync"
	"sync/atomic"

	"example.com/wswalk/01-polling/poll"
)

// Board is a poll.Store that can be waited on. It wraps another store and,
// after each successful Append, wakes every waiting request at once.
//
// The wake-up is a channel that is closed and replaced: a closed channel is
// ready for every receiver, however many, so one close is a broadcast. No
// goroutine polls the store and no waiter spins; a waiter sleeps in select
// until the close or until its request ends.
type Board struct {
	store poll.Store

	mu   sync.Mutex
	news chan struct{} // closed (and replaced) by the next Append

	waiting atomic.Int64 // calls of Wait in progress
}

// Waiting returns how many calls of Wait are holding right now: the number
// of long-polling requests the server is keeping open.
func (b *Board) Waiting() int64 { return b.waiting.Load() }

// NewBoard returns a Board over store. Appends must go through the Board,
// not the store directly, or waiters will not hear of them.
func NewBoard(store poll.Store) *Board {
	return &Board{store: store, news: make(chan struct{})}
}

// Append stores a message (see poll.Store) and wakes every waiter.
func (b *Board) Append(username, body string) (poll.Message, error) {
	m, err := b.store.Append(username, body)
	if err != nil {
		return m, err
	}
	b.mu.Lock()
	close(b.news)
	b.news = make(chan struct{})
	b.mu.Unlock()
	return m, nil
}

// Since returns the messages after id at once (see poll.Store).
func (b *Board) Since(id int64) []poll.Message { return b.store.Since(id) }

// changed returns the channel the next Append will close.
func (b *Board) changed() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.news
}

// Wait returns the messages after since as soon as there are any, or an
// empty slice when ctx ends first (the wait passed, or the client left).
//
// The order matters: take the channel first, then look at the store. If an
// Append lands between the two, either the look sees the message or the
// channel we hold is (or will be) closed; no message can slip through.
func (b *Board) Wait(ctx context.Context, since int64) []poll.Message {
	b.waiting.Add(1)
	defer b.waiting.Add(-1)
	for {
		ch := b.changed()
		if msgs := b.store.Since(since); len(msgs) > 0 {
			return msgs
		}
		select {
		case <-ch:
			// Something was appended; look again. With a store shared
			// with no one else it is for us, but it costs one loop to be
			// sure.
		case <-ctx.Done():
			return []poll.Message{}
		}
	}
}
