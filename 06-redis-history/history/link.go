package history

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"time"

	"example.com/wswalk/05-gorilla-chat/chat"
	"github.com/redis/go-redis/v9"
)

// The relay's link to the room's channel: subscribe, catch up, reconnect.
// When Redis goes away the chat server's clients hear it once, and once
// more when it is back: the notice is the room's "redis" notice, which the
// newer replaces (chapter 05's room), so no burst of them can evict anyone.
const (
	noticeLost = "Redis is out of reach: messages cannot be sent or kept, and people on other servers are out of reach; reconnecting"
	noticeBack = "Redis is back: messages are sent and kept again"
)

// Start relays the room for local in the background until Close, and
// waits for the subscription, at most a couple of timeouts: a client that
// joins before it would not yet get the messages of other servers, nor its
// own (they come back through Redis).
func (r *Relay) Start(local Local) {
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
	case <-time.After(2 * r.store.timeout):
		r.log.Warn("not subscribed to the room channel yet; letting clients in anyway")
	}
}

// Subscribe hands local every message published in the room, in the
// order Redis received them, and the other servers' members, until ctx
// ends. When the connection is lost it reconnects with backoff, then
// catches up on the messages it missed from the history list, so each is
// delivered exactly once.
func (r *Relay) Subscribe(ctx context.Context, local Local) error {
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
			r.log.Warn("room channel lost: reconnecting", "err", err)
			local.Notify("redis", noticeLost)
		} else {
			wait = min(2*wait, r.retryMax)
		}
		if lost.IsZero() {
			lost = time.Now()
			r.log.Warn("cannot subscribe to the room channel: retrying", "err", err)
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
func (r *Relay) subscribeOnce(ctx context.Context, local Local, lost time.Time) (connected bool, err error) {
	s := r.store
	ps := s.rdb.Subscribe(ctx)
	defer ps.Close()
	// go-redis's blocking read does not watch ctx; closing the connection
	// ends it at once, so Shutdown does not wait out the read timeout.
	defer context.AfterFunc(ctx, func() { ps.Close() })()
	if err := ps.Subscribe(ctx, s.keys.Channel); err != nil {
		return false, err
	}
	if _, err := ps.ReceiveTimeout(ctx, s.timeout); err != nil { // the confirmation
		return false, err
	}
	// Subscribed: from here every message reaches us. What was published
	// before is in the history list.
	if err := r.catchUp(ctx, local); err != nil {
		return false, err
	}
	r.refresh(ctx, local)
	r.setLink(true, true)
	defer r.setLink(true, false)
	if !lost.IsZero() {
		r.log.Info("room channel back", "after", time.Since(lost).Round(time.Millisecond))
		local.Notify("redis", noticeBack)
	}
	refreshed := time.Now()
	for {
		msg, err := ps.ReceiveTimeout(ctx, min(s.timeout, r.refreshEvery))
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

// catchUp delivers the messages stored after the last one delivered: those
// published while the channel was down.
func (r *Relay) catchUp(ctx context.Context, local Local) error {
	s := r.store
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	raw, err := s.rdb.LRange(ctx, s.keys.History, int64(-s.keep), -1).Result()
	if err != nil {
		return err
	}
	r.deliver(s.decode(raw), local)
	return nil
}

// refresh writes this server's entry in <room>:members (on every
// subscribe, first or after a reconnect, and every Options.Refresh), reads
// every server's entry, drops those that stopped refreshing (a server
// killed without saying goodbye: its members are gone), tells local the
// members of every other server (what it heard may have changed while the
// channel was down), and announces this server's members on the channel.
func (r *Relay) refresh(ctx context.Context, local Local) {
	s := r.store
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	r.mu.Lock()
	mine := append([]chat.Member(nil), r.localMembers...)
	r.mu.Unlock()
	entry, _ := json.Marshal(memberEntry{Seen: time.Now().UnixMilli(), Members: mine})
	if err := s.rdb.HSet(ctx, s.keys.Members, s.server, entry).Err(); err != nil {
		return // the receive loop will notice the lost connection
	}
	all, err := s.rdb.HGetAll(ctx, s.keys.Members).Result()
	if err != nil {
		return
	}
	fresh := map[string][]chat.Member{}
	for server, v := range all {
		var m memberEntry
		if json.Unmarshal([]byte(v), &m) != nil || time.Since(time.UnixMilli(m.Seen)) > staleAfter*r.refreshEvery {
			s.rdb.HDel(ctx, s.keys.Members, server)
			continue
		}
		if server != s.server {
			fresh[server] = m.Members
		}
	}
	r.mu.Lock()
	r.members = fresh
	others := r.others()
	r.mu.Unlock()
	local.Elsewhere(others)
	data, _ := json.Marshal(envelope{Server: s.server, Members: mine})
	s.rdb.Publish(ctx, s.keys.Channel, data)
}

// setLink records whether Subscribe runs and whether its channel is up.
func (r *Relay) setLink(subscribing, linked bool) {
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

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
