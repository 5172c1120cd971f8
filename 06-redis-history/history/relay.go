package history

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"slices"
	"time"

	"example.com/wswalk/05-gorilla-chat/chat"
	"github.com/redis/go-redis/v9"
)

// envelope is what travels on the room's channel: a message and the server
// that published it, or (no event) a server's list of its own members:
// presence crosses Redis once per server per presence notice, not once per
// client.
type envelope struct {
	Server  string        `json:"server"`
	Shown   bool          `json:"shown,omitempty"` // the server's own clients had it
	Event   *chat.Event   `json:"event,omitempty"`
	Members []chat.Member `json:"members,omitempty"`
}

// memberEntry is one server's field in <room>:members.
type memberEntry struct {
	Seen    int64         `json:"seen_ms"` // unix milliseconds of the last refresh
	Members []chat.Member `json:"members"`
}

// Local is the chat server a Room relays for: chapter 05's chat.Server.
type Local interface {
	Deliver(e chat.Event)            // a message for its clients
	Elsewhere(members []chat.Member) // who is on the other servers
	Notify(kind, body string)        // a notice for its clients
}

// staleAfter is how many refresh periods (Options.Refresh) an entry in
// <room>:members may go without one before its server counts as dead
// (killed without saying goodbye) and its members as gone.
const staleAfter = 4

// Publish sends a stored message to every server in the room, this one
// included. A message that Add already published (in the same script that
// stored it) is not sent again.
func (r *Room) Publish(ctx context.Context, e chat.Event) error {
	r.mu.Lock()
	if r.published[e.ID] {
		delete(r.published, e.ID)
		r.mu.Unlock()
		return nil
	}
	if r.isPending(e.ID) {
		// Still queued for Redis: publishing it now would let it overtake
		// the queued ones before it. The flusher publishes it in its turn;
		// meanwhile the server delivers it here and reports the room degraded.
		r.mu.Unlock()
		return fmt.Errorf("history: publish: message %s is queued until Redis is back", e.ID)
	}
	r.mu.Unlock()

	data, err := json.Marshal(envelope{Server: r.server, Event: &e})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	if err := r.rdb.Publish(ctx, r.keys.Channel, data).Err(); err != nil {
		return fmt.Errorf("history: publish: %w", err)
	}
	return nil
}

// Here records who is on this server and tells the other servers: its
// entry in <room>:members (for servers that start later) and its list on
// the channel, in one round trip. The chat server calls it at most once
// per presence notice; the write happens in the background, newest list
// first, so the caller never waits for Redis.
func (r *Room) Here(members []chat.Member) {
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
		ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
		defer cancel()
		entry, _ := json.Marshal(memberEntry{Seen: time.Now().UnixMilli(), Members: mine})
		data, _ := json.Marshal(envelope{Server: r.server, Members: mine})
		r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.HSet(ctx, r.keys.Members, r.server, entry)
			p.Publish(ctx, r.keys.Channel, data)
			return nil
		})
	})
}

// Start relays the room for local (chapter 05's chat.Server) in the
// background until Close, and waits for the subscription, at most a
// couple of timeouts: a client that joins before it would not yet get the
// messages of other servers, nor its own (they come back through Redis).
func (r *Room) Start(local Local) {
	ctx, cancel := context.WithCancel(context.Background())
	r.wg.Go(func() {
		defer cancel()
		select {
		case <-r.done:
		case <-ctx.Done():
		}
	})
	r.wg.Go(func() { r.Subscribe(ctx, local) })
	select {
	case <-r.firstLink:
	case <-time.After(2 * r.timeout):
		r.log.Printf("history: not subscribed to the room channel yet; letting clients in anyway")
	}
}

// Subscribe hands local every message published in the room, in the
// order Redis received them, and the other servers' members, until ctx
// ends. When the connection is lost it reconnects with backoff, then
// catches up on the messages it missed from the history list, so each is
// delivered exactly once. When the connection is lost, local's clients
// get a notice at once, so their pages show the room degraded.
func (r *Room) Subscribe(ctx context.Context, local Local) error {
	r.setLink(true, false)
	defer r.setLink(false, false)
	wait := r.retryMin
	var lost time.Time
	for {
		connected, err := r.subscribeOnce(ctx, local, lost)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if connected {
			wait = r.retryMin
			lost = time.Now()
			r.log.Printf("history: room channel lost (%v): events from other servers paused, reconnecting", err)
			// Tell this server's clients now, not at their next message.
			local.Notify("redis", "history degraded: Redis is out of reach, people on other servers too; chatting here goes on")
		} else {
			wait = min(2*wait, r.retryMax)
		}
		if lost.IsZero() {
			lost = time.Now()
			r.log.Printf("history: cannot subscribe to the room channel (%v): retrying", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

// subscribeOnce runs one subscription until it fails or ctx ends; connected
// says whether it got as far as receiving.
func (r *Room) subscribeOnce(ctx context.Context, local Local, lost time.Time) (connected bool, err error) {
	ps := r.rdb.Subscribe(ctx)
	defer ps.Close()
	// go-redis's blocking read does not watch ctx; closing the connection
	// ends it at once, so Shutdown does not wait out the read timeout.
	defer context.AfterFunc(ctx, func() { ps.Close() })()
	if err := ps.Subscribe(ctx, r.keys.Channel); err != nil {
		return false, err
	}
	if _, err := ps.ReceiveTimeout(ctx, r.timeout); err != nil { // the confirmation
		return false, err
	}
	// Subscribed: from here every event reaches us. What was published
	// before is in the history list.
	if err := r.catchUp(ctx, local); err != nil {
		return false, err
	}
	r.refresh(ctx, local)
	r.setLink(true, true)
	defer r.setLink(true, false)
	if !lost.IsZero() {
		r.log.Printf("history: room channel back after %v", time.Since(lost).Round(time.Millisecond))
	}
	refreshed := time.Now()
	for {
		msg, err := ps.ReceiveTimeout(ctx, min(r.timeout, r.refreshEvery))
		if ctx.Err() != nil {
			return true, ctx.Err()
		}
		if time.Since(refreshed) > r.refreshEvery {
			r.refresh(ctx, local)
			refreshed = time.Now()
		}
		if err != nil {
			if !isTimeout(err) {
				return true, err
			}
			// Quiet room: make sure the connection is still alive.
			if err := ps.Ping(ctx); err != nil {
				return true, err
			}
			continue
		}
		if m, ok := msg.(*redis.Message); ok {
			r.receive(m.Payload, local)
		}
	}
}

// catchUp delivers the messages stored after the last one delivered, except
// those this server wrote from its memory queue (its clients had them).
func (r *Room) catchUp(ctx context.Context, local Local) error {
	cctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	raw, err := r.rdb.LRange(cctx, r.keys.History, int64(-r.keep), -1).Result()
	if err != nil {
		return err
	}
	r.mu.Lock()
	var missed []chat.Event
	for id := range r.flushedOwn {
		if id <= r.lastDelivered {
			delete(r.flushedOwn, id) // its envelope came back already
		}
	}
	for _, e := range r.decode(raw) {
		id := idOf(e)
		if id <= r.lastDelivered {
			continue
		}
		r.lastDelivered = id
		if r.flushedOwn[id] || r.stillQueued(e) {
			// Written back from our queue (maybe this very moment, the
			// flusher not yet done with it): our clients had it.
			delete(r.flushedOwn, id)
			continue
		}
		r.see(e)
		missed = append(missed, e)
	}
	r.mu.Unlock()
	for _, e := range missed {
		local.Deliver(e)
	}
	return nil
}

// receive handles one payload from the channel.
func (r *Room) receive(payload string, local Local) {
	var env envelope
	if err := json.Unmarshal([]byte(payload), &env); err != nil || env.Server == "" {
		r.log.Printf("history: skipping a bad event on %s: %.60q", r.keys.Channel, payload)
		return
	}
	r.mu.Lock()
	if env.Event == nil { // a server telling who is on it
		if env.Server == r.server {
			r.mu.Unlock()
			return
		}
		r.members[env.Server] = env.Members
		others := r.othersMembers()
		r.mu.Unlock()
		local.Elsewhere(others)
		return
	}
	e := *env.Event
	if e.Type != chat.TypeMessage {
		r.mu.Unlock()
		return
	}
	id := idOf(e)
	if id > 0 && id <= r.lastDelivered {
		r.mu.Unlock() // already delivered by catchUp
		return
	}
	if id > 0 {
		r.lastDelivered = id
		r.see(e)
	}
	if env.Shown && env.Server == r.server {
		delete(r.flushedOwn, id)
		r.mu.Unlock() // written back from our queue: our clients had it
		return
	}
	r.mu.Unlock()
	local.Deliver(e)
}

// setLink records whether Subscribe runs and whether its channel is up.
func (r *Room) setLink(subscribing, linked bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.linked && !linked {
		r.linkLost = time.Now()
	}
	if linked {
		r.linkedOnce.Do(func() { close(r.firstLink) })
	}
	r.subscribing, r.linked = subscribing, linked
}

// refresh writes this server's entry in <room>:members (on every
// subscribe, first or after a reconnect, and every Options.Refresh), reads
// every server's entry, drops those that stopped refreshing (a server
// killed without saying goodbye: its members are gone), tells local the
// members of every other server (what it heard may have changed while the
// channel was down), and announces this server's members on the channel.
func (r *Room) refresh(ctx context.Context, local Local) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	r.mu.Lock()
	mine := slices.Clone(r.localMembers)
	r.mu.Unlock()
	entry, _ := json.Marshal(memberEntry{Seen: time.Now().UnixMilli(), Members: mine})
	if err := r.rdb.HSet(ctx, r.keys.Members, r.server, entry).Err(); err != nil {
		return // the receive loop will notice the lost connection
	}
	all, err := r.rdb.HGetAll(ctx, r.keys.Members).Result()
	if err != nil {
		return
	}
	fresh := map[string][]chat.Member{}
	for server, v := range all {
		var m memberEntry
		if json.Unmarshal([]byte(v), &m) != nil || time.Since(time.UnixMilli(m.Seen)) > staleAfter*r.refreshEvery {
			r.rdb.HDel(ctx, r.keys.Members, server)
			continue
		}
		if server != r.server {
			fresh[server] = m.Members
		}
	}
	r.mu.Lock()
	r.members = fresh
	others := r.othersMembers()
	r.mu.Unlock()
	local.Elsewhere(others)
	data, _ := json.Marshal(envelope{Server: r.server, Members: mine})
	r.rdb.Publish(ctx, r.keys.Channel, data)
}

// othersMembers is every other server's members, sorted by name, each
// once. Call with mu held.
func (r *Room) othersMembers() []chat.Member {
	var all []chat.Member
	for server, ms := range r.members {
		if server != r.server {
			all = append(all, ms...)
		}
	}
	slices.SortFunc(all, func(a, b chat.Member) int {
		return cmp.Or(cmp.Compare(a.Username, b.Username), cmp.Compare(a.ClientID, b.ClientID))
	})
	return slices.CompactFunc(all, func(a, b chat.Member) bool { return a.ClientID == b.ClientID })
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
