package history

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"example.com/wswalk/05-gorilla-chat/chat"
	"github.com/redis/go-redis/v9"
)

// Defaults for Options.
const (
	DefaultRoom = "lobby"
	DefaultKeep = 100
)

// Options configure a Store and its Relay. Only URL is required.
type Options struct {
	URL    string       // redis://host:port/db
	Room   string       // key prefix, DefaultRoom when empty
	Keep   int          // messages kept, DefaultKeep when 0
	Logger *slog.Logger // slog.Default() when nil

	// RetryMin and RetryMax bound the backoff between two attempts to
	// subscribe again after the room's channel is lost (100 ms and 5 s
	// when 0).
	RetryMin, RetryMax time.Duration
	// Timeout bounds every Redis call, so a hung Redis is noticed instead
	// of stalling the room (1 s when 0).
	Timeout time.Duration
	// Refresh is how often a subscribed server renews its entry in
	// <room>:members and reads the others' (15 s when 0); an entry four
	// periods old is a dead server's, and its members leave every list.
	Refresh time.Duration
}

// keyTTL is how long a message's key is remembered: far longer than any
// retry of it.
const keyTTL = time.Hour

// Store is a room's history in Redis: a chat.History whose IDs come from
// Redis alone (the INCR of appendScript) and whose epoch lives beside it.
// It is the first of this chapter's three parts: the store keeps, the
// relay (relay.go) carries, and the chat server (chapter 05) delivers.
type Store struct {
	rdb     *redis.Client
	keys    Keys
	keep    int
	server  string // this process's ID in the room, random hex
	log     *slog.Logger
	timeout time.Duration

	mu    sync.Mutex
	floor int64 // the highest ID seen: no ID at or below it is given again
}

// Open connects to Redis and checks that it answers. It fails when Redis
// is unreachable: the caller decides between an in-memory history and a
// start-up error (-require-redis).
func Open(ctx context.Context, o Options) (*Store, error) {
	opt, err := redis.ParseURL(o.URL)
	if err != nil {
		return nil, fmt.Errorf("history: redis URL %q: %w", o.URL, err)
	}
	s := &Store{
		keys:    KeysFor(orDefault(o.Room, DefaultRoom)),
		keep:    o.Keep,
		server:  chat.NewEpoch(),
		log:     o.Logger,
		timeout: o.Timeout,
	}
	if s.keep <= 0 {
		s.keep = DefaultKeep
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.timeout <= 0 {
		s.timeout = time.Second
	}
	// Short timeouts, and no silent retries: Add retries itself, knowing
	// that the message's key makes a second attempt safe.
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = s.timeout, s.timeout, s.timeout
	opt.MaxRetries = -1
	s.rdb = redis.NewClient(opt)

	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	seq, err := s.rdb.Get(ctx, s.keys.Seq).Int64()
	if err != nil && !errors.Is(err, redis.Nil) {
		s.rdb.Close()
		return nil, fmt.Errorf("history: redis at %s: %w", opt.Addr, err)
	}
	s.floor = seq
	return s, nil
}

// Keys names the store's Redis keys.
func (s *Store) Keys() Keys { return s.keys }

// Close closes the connection to Redis.
func (s *Store) Close() error { return s.rdb.Close() }

// Add stores a message, giving it the room's next ID and the history's
// epoch, and publishes it to every server of the room, all in one round
// trip (appendScript). When Redis does not answer it tries once more with
// the same key, which cannot store the message twice; then it gives up,
// and the sender is told the message was not sent. Nothing is kept aside
// to be written later: an ID is only ever given by Redis.
func (s *Store) Add(ctx context.Context, e chat.Event) (chat.Event, error) {
	if e.Key == "" {
		e.Key = chat.NewEpoch()
	}
	e.Type, e.ID, e.Epoch = chat.TypeMessage, "", ""
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	body, err := json.Marshal(e)
	if err != nil {
		return chat.Event{}, err
	}
	for attempt := 0; ; attempt++ {
		stored, err := s.append(ctx, e.Key, body)
		var no redis.Error
		switch {
		case err == nil:
			return stored, nil
		case errors.As(err, &no), ctx.Err() != nil, attempt == 1:
			return chat.Event{}, fmt.Errorf("Redis is out of reach (%v): nothing was stored", err)
		}
		select { // a lost answer, or Redis away: once more, same key
		case <-time.After(s.timeout / 4):
		case <-ctx.Done():
		}
	}
}

// append runs appendScript and decodes the entry it stored (or had).
func (s *Store) append(ctx context.Context, key string, body []byte) (chat.Event, error) {
	s.mu.Lock()
	low := s.floor + 1
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	raw, err := appendScript.Run(ctx, s.rdb,
		[]string{s.keys.Seq, s.keys.History, s.keys.Epoch, s.keys.Sent + key},
		body, low, s.keep, s.keys.Channel, s.server, chat.NewEpoch(), int(keyTTL/time.Second)).Text()
	if err != nil {
		return chat.Event{}, err
	}
	stored, ok := decodeEntry(raw)
	if !ok {
		return chat.Event{}, fmt.Errorf("history: the store answered %.60q", raw)
	}
	s.Saw(stored)
	return stored, nil
}

// Saw records a message stored in the room (here or on another server),
// so that IDs keep increasing past it even if Redis forgets them.
func (s *Store) Saw(e chat.Event) {
	id := idOf(e)
	s.mu.Lock()
	s.floor = max(s.floor, id)
	s.mu.Unlock()
}

// Since returns the kept messages after c, oldest first, read in one
// atomic round trip with the epoch (created when absent: a new history,
// or one Redis lost). It answers chat.ErrReset, with what is kept, when c
// is from another epoch or names an ID this history never gave, and
// chat.ErrTooOld when messages right after c.After were trimmed away.
func (s *Store) Since(ctx context.Context, c chat.Cursor) ([]chat.Event, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	var epoch *redis.StringCmd
	var seq *redis.StringCmd
	var list *redis.StringSliceCmd
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.SetNX(ctx, s.keys.Epoch, chat.NewEpoch(), 0)
		epoch = p.Get(ctx, s.keys.Epoch)
		seq = p.Get(ctx, s.keys.Seq)
		// -keep..-1: the newest keep entries, oldest first. The tutorial's
		// LRANGE key -1 -100 asked for a range whose start is after its stop.
		list = p.LRange(ctx, s.keys.History, int64(-s.keep), -1)
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("Redis is out of reach: %w", err)
	}
	last, _ := strconv.ParseUint(seq.Val(), 10, 63)
	kept := s.decode(list.Val())
	out := make([]chat.Event, 0, len(kept))
	for _, e := range kept {
		if uint64(idOf(e)) > c.After {
			out = append(out, e)
		}
	}
	switch {
	case c.Epoch != "" && c.Epoch != epoch.Val(), c.After > last:
		return kept, chat.ErrReset
	case c.After > 0 && len(kept) > 0 && uint64(idOf(kept[0])) > c.After+1:
		return out, fmt.Errorf("%w: asked for messages after %d, the oldest kept is %s",
			chat.ErrTooOld, c.After, kept[0].ID)
	}
	return out, nil
}

// decode parses the stored entries, skipping (and logging) what is not a
// message: someone else's data must not crash the room.
func (s *Store) decode(raw []string) []chat.Event {
	out := make([]chat.Event, 0, len(raw))
	for _, r := range raw {
		e, ok := decodeEntry(r)
		if !ok {
			s.log.Warn("skipping a bad history entry", "key", s.keys.History, "entry", fmt.Sprintf("%.60q", r))
			continue
		}
		out = append(out, e)
	}
	return out
}

// decodeEntry reads one stored message: JSON with a positive ID.
func decodeEntry(raw string) (chat.Event, bool) {
	var e chat.Event
	if err := json.Unmarshal([]byte(raw), &e); err != nil || idOf(e) <= 0 || e.Type != chat.TypeMessage {
		return chat.Event{}, false
	}
	return e, true
}

// idOf is e's ID as a number, 0 when it has none or a bad one.
func idOf(e chat.Event) int64 {
	n, err := strconv.ParseInt(e.ID, 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
