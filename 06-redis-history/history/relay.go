package history

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"example.com/wswalk/05-gorilla-chat/chat"
	"github.com/redis/go-redis/v9"
)

// Relay carries a room between the servers that share it: the messages
// the store's script published, in the one order Redis gave them, and
// each server's list of its members. It is chapter 05's chat.Relay, and
// the second of this chapter's parts (store.go keeps, this carries).
type Relay struct {
	store        *Store
	log          *slog.Logger
	retryMin     time.Duration
	retryMax     time.Duration
	refreshEvery time.Duration

	mu            sync.Mutex
	lastDelivered int64                    // highest message ID handed to Deliver
	members       map[string][]chat.Member // other server's ID -> its members, as last heard
	localMembers  []chat.Member            // this server's members, as last told by Here
	subscribing   bool                     // Subscribe is running
	linked        bool                     // and its channel is up
	linkLost      time.Time                // when it went down
	closed        bool                     // Close has begun
	hereMu        sync.Mutex               // one Here write at a time

	firstLink  chan struct{} // closed when the channel is up the first time
	linkedOnce sync.Once
	done       chan struct{} // closed by Close
	closeOnce  sync.Once
	wg         sync.WaitGroup
}

// envelope is what travels on the room's channel: a message and the server
// that published it, or (no event) a server's list of its own members:
// presence crosses Redis once per server per presence notice, not once per
// client.
type envelope struct {
	Server  string        `json:"server"`
	Event   *chat.Event   `json:"event,omitempty"`
	Members []chat.Member `json:"members,omitempty"`
}

// memberEntry is one server's field in <room>:members.
type memberEntry struct {
	Seen    int64         `json:"seen_ms"` // unix milliseconds of the last refresh
	Members []chat.Member `json:"members"`
}

// staleAfter is how many refresh periods an entry in <room>:members may go
// without one before its server counts as dead (killed without saying
// goodbye) and its members as gone.
const staleAfter = 4

// Local is the chat server a Relay relays for: chapter 05's chat.Server.
type Local interface {
	Deliver(e chat.Event)            // a message for its clients
	Elsewhere(members []chat.Member) // who is on the other servers
	Notify(kind, body string)        // a notice for its clients
}

// NewRelay returns the relay of the store's room. Start it with Start.
func NewRelay(s *Store, o Options) *Relay {
	r := &Relay{
		store:         s,
		log:           s.log,
		retryMin:      o.RetryMin,
		retryMax:      o.RetryMax,
		refreshEvery:  o.Refresh,
		lastDelivered: s.floor,
		members:       map[string][]chat.Member{},
		firstLink:     make(chan struct{}),
		done:          make(chan struct{}),
	}
	if r.retryMin <= 0 {
		r.retryMin = 100 * time.Millisecond
	}
	if r.retryMax <= 0 {
		r.retryMax = 5 * time.Second
	}
	if r.refreshEvery <= 0 {
		r.refreshEvery = 15 * time.Second
	}
	return r
}

// Publish is asked to pass a stored message to every server: the store's
// script published it already, in the same step that stored it, so there
// is nothing left to do.
func (r *Relay) Publish(ctx context.Context, e chat.Event) error { return nil }

// Here records who is on this server and tells the other servers: its
// entry in <room>:members (for servers that start later) and its list on
// the channel, in one round trip. The chat server calls it at most once
// per presence notice; the write happens in the background, newest list
// first, so the caller never waits for Redis.
func (r *Relay) Here(members []chat.Member) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.localMembers = slices.Clone(members)
	if r.closed {
		return // the entry is gone for good
	}
	r.wg.Go(func() {
		r.hereMu.Lock()
		defer r.hereMu.Unlock()
		r.mu.Lock()
		mine := slices.Clone(r.localMembers)
		r.mu.Unlock()
		s := r.store
		ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
		defer cancel()
		entry, _ := json.Marshal(memberEntry{Seen: time.Now().UnixMilli(), Members: mine})
		data, _ := json.Marshal(envelope{Server: s.server, Members: mine})
		s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.HSet(ctx, s.keys.Members, s.server, entry)
			p.Publish(ctx, s.keys.Channel, data)
			return nil
		})
	})
}

// receive handles one payload from the channel.
func (r *Relay) receive(payload string, local Local) {
	var env envelope
	if err := json.Unmarshal([]byte(payload), &env); err != nil || env.Server == "" {
		r.log.Warn("skipping a bad event", "channel", r.store.keys.Channel, "payload", fmt.Sprintf("%.60q", payload))
		return
	}
	if env.Event == nil { // a server telling who is on it
		r.heard(env.Server, env.Members, local)
		return
	}
	e := *env.Event
	if e.Type != chat.TypeMessage || idOf(e) <= 0 {
		return
	}
	r.deliver([]chat.Event{e}, local)
}

// deliver hands local the messages it has not had yet, in ID order: from
// the channel, or from the history list after a reconnect. Each is
// delivered once, and none goes backwards.
func (r *Relay) deliver(events []chat.Event, local Local) {
	for _, e := range events {
		r.mu.Lock()
		fresh := idOf(e) > r.lastDelivered
		if fresh {
			r.lastDelivered = idOf(e)
		}
		r.mu.Unlock()
		if fresh {
			r.store.Saw(e)
			local.Deliver(e)
		}
	}
}

// heard records another server's members and tells local the union.
func (r *Relay) heard(server string, members []chat.Member, local Local) {
	if server == r.store.server {
		return
	}
	r.mu.Lock()
	r.members[server] = members
	others := r.others()
	r.mu.Unlock()
	local.Elsewhere(others)
}

// others is every other server's members, sorted by name, each once.
// Call with mu held.
func (r *Relay) others() []chat.Member {
	var all []chat.Member
	for server, ms := range r.members {
		if server != r.store.server {
			all = append(all, ms...)
		}
	}
	slices.SortFunc(all, func(a, b chat.Member) int {
		return cmp.Or(cmp.Compare(a.Username, b.Username), cmp.Compare(a.ClientID, b.ClientID))
	})
	return slices.CompactFunc(all, func(a, b chat.Member) bool { return a.ClientID == b.ClientID })
}

// Close stops the subscription and removes this server from the room's
// members.
func (r *Relay) Close() error {
	r.closeOnce.Do(func() { close(r.done) })
	r.mu.Lock()
	r.closed = true // no Here starts a write after this
	r.mu.Unlock()
	r.wg.Wait()
	s := r.store
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	return s.rdb.HDel(ctx, s.keys.Members, s.server).Err()
}
