// Package room is the chat room apart from any connection: members, a
// bounded queue of chat messages each, slow readers evicted, and notices
// (who is here) that replace each other instead of queueing. Chapter 04
// runs it on its own frames (package chat), chapter 05 on gorilla/websocket.
//
// A member has two kinds of mail, and they are treated differently:
//
//   - Chat messages go to a bounded queue. Send tries to put a message in
//     every queue and never waits: a member whose queue is full is not
//     reading, so it is evicted (the caller's writer closes it with 1008)
//     and the room goes on at the speed of those who read.
//   - Notices (who is here, the room's state) go to a slot that the newest
//     notice of the same kind replaces. A notice costs no queue place, so
//     it can never evict anyone: a member that is slow to read simply gets
//     the latest state instead of every intermediate one.
//
// Presence is the notice that must be rationed. Each join or leave would
// be one event for every member: n people arriving at once are n² events,
// and with queues, n² queue places (a thousand browsers reconnecting after
// a restart evicted each other that way). Here a join or leave only marks
// presence as changed; the room makes the presence notice at most once
// every PresenceEvery (the first change at once, the rest batched), puts
// it in the one shared slot, and wakes every member: O(n) per batch, not
// per join.
package room

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultQueue is how many chat messages a member may have waiting.
const DefaultQueue = 64

// DefaultPresenceEvery is how often, at most, the room tells everyone who
// is here while people come and go.
const DefaultPresenceEvery = 100 * time.Millisecond

// Room is a set of members. M is what a member's writer writes: encoded
// bytes in chapter 04, a gorilla PreparedMessage in chapter 05. The zero
// value is ready to use.
type Room[M any] struct {
	// Queue is how many chat messages a member may have waiting before it
	// is evicted (DefaultQueue when 0).
	Queue int
	// Presence, when set, makes the notice that tells members who is in
	// the room. last is the batch's newest join, or its newest leave when
	// nobody joined; the function may call Members or Len. It is never called with the
	// room's lock held, and never twice at once.
	Presence func(last Change) M
	// PresenceEvery rations presence notices (DefaultPresenceEvery when
	// 0), and as much again for every thousand members: a notice wakes
	// every member, so a room of any size spends about the same on
	// presence, some ten thousand wake-ups a second at most.
	PresenceEvery time.Duration

	mu       sync.Mutex
	members  map[*Member[M]]struct{}
	notices  []notice[M] // the newest notice of each kind
	seq      uint64      // numbers notices; the last one given
	changed  bool        // presence changed since the last notice
	join     *Change     // the newest join since the last notice
	leave    *Change     // the newest leave since the last notice
	lastSent time.Time   // when the last presence notice was made
	timer    *time.Timer // pending batch, if any

	presenceMu sync.Mutex // one presence notice made at a time, in order
}

// Change is one member joining or leaving.
type Change struct {
	Online bool // joined; false: left
	ID     string
	Name   string
}

// presenceKind is the kind of the notices Presence makes.
const presenceKind = "presence"

type notice[M any] struct {
	kind string
	seq  uint64
	msg  M
}

// Member is one connection in a room. Its writer (the only goroutine that
// writes to the connection) waits on Messages, Noticed and Gone, or, when
// it runs only while there is something to write, is started by wake.
type Member[M any] struct {
	ID   string // unique in the room
	Name string

	wake func() // called after anything for m: a message, a notice, Gone

	messages chan M
	noticed  chan struct{} // a value when a notice may be waiting
	gone     chan struct{} // closed once, when the member leaves the room
	evicted  atomic.Bool
	private  atomic.Pointer[M] // a notice for this member alone
	seen     uint64            // newest notice written; the writer's alone
	joined   uint64            // the last notice made before it joined
}

// Messages delivers the chat messages queued for this member, in order.
func (m *Member[M]) Messages() <-chan M { return m.messages }

// Noticed has a value when a notice may be waiting: call Room.Notices.
func (m *Member[M]) Noticed() <-chan struct{} { return m.noticed }

// Gone is closed when the member has left the room or been evicted.
func (m *Member[M]) Gone() <-chan struct{} { return m.gone }

// Evicted says whether the room removed this member for not reading.
func (m *Member[M]) Evicted() bool { return m.evicted.Load() }

// Join adds a member named name with the given ID. It will get every chat
// message sent from now on and, first thing, the current notices. wake,
// if not nil, is called after each of them is ready for it and after Gone
// closes, so that a writer that is not waiting can be started; it must
// not block, and the room may call it with its lock held.
func (r *Room[M]) Join(id, name string, wake func()) *Member[M] {
	m := &Member[M]{
		ID:       id,
		Name:     name,
		wake:     wake,
		messages: make(chan M, or(r.Queue, DefaultQueue)),
		noticed:  make(chan struct{}, 1),
		gone:     make(chan struct{}),
	}
	m.noticed <- struct{}{}
	r.mu.Lock()
	if r.members == nil {
		r.members = make(map[*Member[M]]struct{})
	}
	r.members[m] = struct{}{}
	m.joined = r.seq
	r.mu.Unlock()
	r.Changed(Change{Online: true, ID: id, Name: name})
	return m
}

// Leave removes m (its connection ended). It is safe to call after the
// room evicted m, and more than once.
func (r *Room[M]) Leave(m *Member[M]) {
	if r.remove(m) {
		r.Changed(Change{Online: false, ID: m.ID, Name: m.Name})
	}
}

// remove takes m out and closes Gone; false if it was out already.
func (r *Room[M]) remove(m *Member[M]) bool {
	r.mu.Lock()
	_, in := r.members[m]
	delete(r.members, m)
	r.mu.Unlock()
	if in {
		close(m.gone)
		m.poke()
	}
	return in
}

// Send queues msg for every member without ever waiting, and returns the
// members it evicted because their queue was full. Members see messages
// in the one order Send was called in.
func (r *Room[M]) Send(msg M) (evicted []*Member[M]) {
	r.mu.Lock()
	for m := range r.members {
		select {
		case m.messages <- msg:
			m.poke()
		default:
			delete(r.members, m)
			evicted = append(evicted, m)
		}
	}
	r.mu.Unlock()
	for _, m := range evicted {
		m.evicted.Store(true)
		close(m.gone)
		m.poke()
		r.Changed(Change{Online: false, ID: m.ID, Name: m.Name})
	}
	return evicted
}

// Announce makes msg the room's newest notice of its kind, replacing one
// that a member has not written yet, and wakes every member.
func (r *Room[M]) Announce(kind string, msg M) {
	r.mu.Lock()
	r.seq++
	// Kept in the order they were made: the old one of this kind goes,
	// the new one comes last.
	r.notices = slices.DeleteFunc(r.notices, func(n notice[M]) bool { return n.kind == kind })
	r.notices = append(r.notices, notice[M]{kind: kind, seq: r.seq, msg: msg})
	all := make([]*Member[M], 0, len(r.members))
	for m := range r.members {
		all = append(all, m)
	}
	r.mu.Unlock()
	// Outside the lock (a woken writer takes it to read the notice), and a
	// few at a time: each wake may start a writer goroutine, and letting
	// the first ones finish before starting more keeps a room of 10,000
	// from holding 10,000 writer stacks at once for one notice.
	for i, m := range all {
		m.notice()
		if i%wakeBatch == wakeBatch-1 {
			runtime.Gosched()
		}
	}
}

// wakeBatch is how many members Announce wakes before it yields.
const wakeBatch = 64

// WakeAll calls every member's wake (a server shutting down wants each
// writer to look at its quit signal).
func (r *Room[M]) WakeAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for m := range r.members {
		m.poke()
	}
}

// Tell gives m alone a notice (an answer to something it sent), replacing
// the one it has not written yet, if any.
func (r *Room[M]) Tell(m *Member[M], msg M) {
	m.private.Store(&msg)
	m.notice()
}

// notice tells m's writer that a notice may be waiting.
func (m *Member[M]) notice() {
	select {
	case m.noticed <- struct{}{}:
	default: // it is awake already and will look at every notice
	}
	m.poke()
}

func (m *Member[M]) poke() {
	if m.wake != nil {
		m.wake()
	}
}

// Notices returns what m has not written yet, oldest first: the room's
// notices newer than the last it took, then its own. Only m's writer may
// call it.
func (r *Room[M]) Notices(m *Member[M]) []M {
	var out []M
	r.mu.Lock()
	for _, n := range r.notices {
		// The presence notice from before m joined is stale for m: its
		// own arrival makes a new one, which tells it who is here.
		stale := n.kind == presenceKind && n.seq <= m.joined
		if n.seq > m.seen && !stale {
			out = append(out, n.msg)
		}
	}
	m.seen = r.seq
	r.mu.Unlock()
	if p := m.private.Swap(nil); p != nil {
		out = append(out, *p)
	}
	return out
}

// Members returns the members now in the room, in no particular order.
func (r *Room[M]) Members() []*Member[M] {
	r.mu.Lock()
	defer r.mu.Unlock()
	all := make([]*Member[M], 0, len(r.members))
	for m := range r.members {
		all = append(all, m)
	}
	return all
}

// Len is how many members are in the room.
func (r *Room[M]) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.members)
}

// Changed records that someone joined or left (Join and Leave call it; a
// room spread over several servers calls it for the others' members) and
// has the presence notice made: now, if none was made in the last
// PresenceEvery, else once that time is up, with every change since.
func (r *Room[M]) Changed(c Change) {
	if r.Presence == nil {
		return
	}
	r.mu.Lock()
	r.changed = true
	if c.Online {
		r.join = &c
	} else {
		r.leave = &c
	}
	if r.timer != nil {
		r.mu.Unlock()
		return // a batch is already waiting; it will see this change
	}
	wait := time.Until(r.lastSent.Add(r.presenceEvery()))
	if wait > 0 {
		r.timer = time.AfterFunc(wait, r.announcePresence)
		r.mu.Unlock()
		return
	}
	r.mu.Unlock()
	r.announcePresence()
}

// presenceEvery is the time between two presence notices. r.mu is held.
func (r *Room[M]) presenceEvery() time.Duration {
	return or(r.PresenceEvery, DefaultPresenceEvery) * time.Duration(1+len(r.members)/1000)
}

// announcePresence makes and announces the presence notice for the
// changes so far, if any are left to tell.
func (r *Room[M]) announcePresence() {
	r.presenceMu.Lock()
	defer r.presenceMu.Unlock()
	r.mu.Lock()
	r.timer = nil
	if !r.changed {
		r.mu.Unlock()
		return
	}
	r.changed, r.lastSent = false, time.Now()
	// The notice names one change of the batch: its newest join, so
	// that whoever came is greeted, else its newest leave.
	last := r.leave
	if r.join != nil {
		last = r.join
	}
	r.join, r.leave = nil, nil
	r.mu.Unlock()
	r.Announce(presenceKind, r.Presence(*last))
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
