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

// envelope is what travels on the room's channel: the event and the server
// that published it. Members alone (no event) announces a server's members
// after it reconnected.
type envelope struct {
	Server  string        `json:"server"`
	Shown   bool          `json:"shown,omitempty"` // the server's own clients had it
	Event   *chat.Event   `json:"event,omitempty"`
	Members []chat.Member `json:"members,omitempty"`
}

// memberEntry is one server's field in <room>:members.
type memberEntry struct {
	Seen    int64         `json:"seen_ms"`       // unix milliseconds of the last refresh
	Hub     string        `json:"hub,omitempty"` // the chat.Server's ID, its clients' prefix
	Members []chat.Member `json:"members"`
}

// staleAfter is how many refresh periods (Options.Refresh) an entry in
// <room>:members may go without one before its server counts as dead
// (killed without saying goodbye) and its members as gone.
const staleAfter = 4

// Publish sends e to every server in the room, this one included. A message
// that Add already published (in the same script that stored it) is not
// sent again. Online and offline events also record this server's members
// in <room>:members, in the same round trip, for servers that join later.
func (r *Room) Publish(ctx context.Context, e chat.Event) error {
	r.mu.Lock()
	if e.Type == chat.TypeMessage && r.published[e.ID] {
		delete(r.published, e.ID)
		r.mu.Unlock()
		return nil
	}
	if e.Type == chat.TypeMessage && r.isPending(e.ID) {
		// Still queued for Redis: publishing it now would let it overtake
		// the queued ones before it. The flusher publishes it in its turn;
		// meanwhile the hub delivers it here and reports the room degraded.
		r.mu.Unlock()
		return fmt.Errorf("history: publish: message %s is queued until Redis is back", e.ID)
	}
	presence := e.Type == chat.TypeOnline || e.Type == chat.TypeOffline
	if presence {
		r.localMembers = slices.Clone(e.Members)
	}
	if e.Type == chat.TypeMembers {
		// The hub announces itself with its ID: remembered, so that after
		// a reconnect this Room can speak for it (see refresh).
		r.hubID = e.ClientID
		r.localMembers = slices.Clone(e.Members)
	}
	hub := r.hubID
	r.mu.Unlock()

	data, err := json.Marshal(envelope{Server: r.server, Event: &e})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	if !presence {
		err = r.rdb.Publish(ctx, r.keys.Channel, data).Err()
	} else {
		entry, _ := json.Marshal(memberEntry{Seen: time.Now().UnixMilli(), Hub: hub, Members: e.Members})
		_, err = r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.HSet(ctx, r.keys.Members, r.server, entry)
			p.Publish(ctx, r.keys.Channel, data)
			return nil
		})
	}
	if err != nil {
		return fmt.Errorf("history: publish: %w", err)
	}
	return nil
}

// Subscribe calls deliver for every event published in the room, in the
// order Redis received them, until ctx ends. When the connection is lost it
// reconnects with backoff, then catches up on the messages it missed from
// the history list, so each is delivered exactly once. Online and offline
// events are delivered with the members of every server in the room. When
// the connection is lost, deliver gets an error event for this server's
// clients, so their pages show the room degraded at once.
func (r *Room) Subscribe(ctx context.Context, deliver func(chat.Event)) error {
	r.setLink(true, false)
	defer r.setLink(false, false)
	wait := r.retryMin
	var lost time.Time
	for {
		connected, err := r.subscribeOnce(ctx, deliver, lost)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if connected {
			wait = r.retryMin
			lost = time.Now()
			r.log.Printf("history: room channel lost (%v): events from other servers paused, reconnecting", err)
			// Tell this server's clients now, not at their next message:
			// the hub passes an error event on to every one of them.
			deliver(chat.Event{Type: chat.TypeError, Time: time.Now().UTC(),
				Body: "history degraded: Redis is out of reach, people on other servers too; chatting here goes on"})
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
func (r *Room) subscribeOnce(ctx context.Context, deliver func(chat.Event), lost time.Time) (connected bool, err error) {
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
	if err := r.catchUp(ctx, deliver); err != nil {
		return false, err
	}
	r.refresh(ctx, deliver)
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
			r.refresh(ctx, deliver)
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
			r.receive(m.Payload, deliver)
		}
	}
}

// catchUp delivers the messages stored after the last one delivered, except
// those this server wrote from its memory queue (its clients had them).
func (r *Room) catchUp(ctx context.Context, deliver func(chat.Event)) error {
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
		deliver(e)
	}
	return nil
}

// receive handles one payload from the channel.
func (r *Room) receive(payload string, deliver func(chat.Event)) {
	var env envelope
	if err := json.Unmarshal([]byte(payload), &env); err != nil || env.Server == "" {
		r.log.Printf("history: skipping a bad event on %s: %.60q", r.keys.Channel, payload)
		return
	}
	r.mu.Lock()
	if env.Event == nil { // a server announcing its members
		r.members[env.Server] = env.Members
		r.mu.Unlock()
		return
	}
	e := *env.Event
	switch e.Type {
	case chat.TypeMessage:
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
	case chat.TypeOnline, chat.TypeOffline:
		r.members[env.Server] = e.Members
		e.Members = r.allMembers()
	case chat.TypeMembers:
		r.members[env.Server] = e.Members
		r.hubs[env.Server] = e.ClientID
	}
	r.mu.Unlock()
	deliver(e)
}

// setLink records whether Subscribe runs and whether its channel is up.
func (r *Room) setLink(subscribing, linked bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.linked && !linked {
		r.linkLost = time.Now()
	}
	r.subscribing, r.linked = subscribing, linked
}

// refresh writes this server's entry in <room>:members. With deliver (on
// every subscribe, first or after a reconnect, and every Options.Refresh)
// it also reads every server's entry, drops those that stopped refreshing
// (a server killed without saying goodbye: its members are gone), tells
// this server's hub the members of every other server (what it heard may
// have changed while the channel was down), and announces this server's
// members on the channel for the others.
func (r *Room) refresh(ctx context.Context, deliver func(chat.Event)) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	r.mu.Lock()
	mine, hub := slices.Clone(r.localMembers), r.hubID
	r.mu.Unlock()
	entry, _ := json.Marshal(memberEntry{Seen: time.Now().UnixMilli(), Hub: hub, Members: mine})
	if err := r.rdb.HSet(ctx, r.keys.Members, r.server, entry).Err(); err != nil {
		return // the receive loop will notice the lost connection
	}
	if deliver == nil {
		return
	}
	all, err := r.rdb.HGetAll(ctx, r.keys.Members).Result()
	if err != nil {
		return
	}
	fresh, hubs := map[string][]chat.Member{}, map[string]string{}
	for server, v := range all {
		var m memberEntry
		if json.Unmarshal([]byte(v), &m) != nil || time.Since(time.UnixMilli(m.Seen)) > staleAfter*r.refreshEvery {
			r.rdb.HDel(ctx, r.keys.Members, server)
			continue
		}
		fresh[server], hubs[server] = m.Members, m.Hub
	}
	fresh[r.server] = mine
	now := time.Now().UTC()
	var tell []chat.Event
	r.mu.Lock()
	for server, h := range r.hubs { // gone while we were away: their part is empty now
		if _, ok := fresh[server]; !ok && h != "" && h != hub {
			tell = append(tell, chat.Event{Type: chat.TypeMembers, ClientID: h, Time: now})
		}
	}
	for server, h := range hubs {
		if server != r.server && h != "" {
			tell = append(tell, chat.Event{Type: chat.TypeMembers, ClientID: h, Time: now, Members: fresh[server]})
		}
	}
	r.members, r.hubs = fresh, hubs
	r.mu.Unlock()
	for _, e := range tell {
		deliver(e)
	}
	env := envelope{Server: r.server, Members: mine}
	if hub != "" {
		env = envelope{Server: r.server, Event: &chat.Event{Type: chat.TypeMembers, ClientID: hub, Time: now, Members: mine}}
	}
	data, _ := json.Marshal(env)
	r.rdb.Publish(ctx, r.keys.Channel, data)
}

// allMembers is the union of every server's members, sorted by name. Call
// with mu held.
func (r *Room) allMembers() []chat.Member {
	var all []chat.Member
	for _, ms := range r.members {
		all = append(all, ms...)
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
