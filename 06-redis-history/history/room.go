package history

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log"
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

// Options configure a Room. Only URL is required.
type Options struct {
	URL    string      // redis://host:port/db
	Room   string      // key prefix, DefaultRoom when empty
	Keep   int         // messages kept, DefaultKeep when 0
	Logger *log.Logger // log.Default() when nil

	// RetryMin and RetryMax bound the backoff between two attempts to
	// write the messages queued while Redis was away (100 ms and 5 s when 0).
	RetryMin, RetryMax time.Duration
	// Timeout bounds every Redis call, so a hung Redis degrades the room
	// instead of stalling it (1 s when 0).
	Timeout time.Duration
	// Refresh is how often a subscribed server renews its entry in
	// <room>:members and reads the others' (15 s when 0); an entry four
	// periods old is a dead server's, and its members leave every list.
	Refresh time.Duration
}

// Room is one chat room kept in Redis. It is both the room's chat.History
// (Add, Since) and its chat.Relay (Publish, Here; Subscribe feeds the
// chat server what the other servers said): the same script
// that stores a message publishes it, so history order and delivery order
// are one order. Close it when done.
type Room struct {
	rdb    *redis.Client
	keys   Keys
	keep   int
	server string // this process's ID in the room, random hex
	log    *log.Logger

	retryMin, retryMax, timeout, refreshEvery time.Duration

	mu            sync.Mutex
	floor         int64                    // highest message ID this room has seen
	recent        []chat.Event             // the last keep messages seen, for when Redis is away
	pending       []chat.Event             // accepted while Redis was away, oldest first
	lostAt        time.Time                // when pending got its first event
	flushing      bool                     // a flusher goroutine is running
	published     map[string]bool          // IDs the script published, so Publish skips them
	publishedFIFO []string                 // the same, in order, to bound the map
	flushedOwn    map[int64]bool           // IDs written by the flusher: clients here had them
	lastDelivered int64                    // highest message ID handed to Subscribe's deliver
	members       map[string][]chat.Member // other server's ID -> its members, as last heard
	localMembers  []chat.Member            // this server's members, as last told by Here
	hereMu        sync.Mutex               // one Here write at a time
	closed        bool                     // Close has begun
	subscribing   bool                     // Subscribe is running
	linked        bool                     // and its channel is up
	firstLink     chan struct{}            // closed when it is up the first time
	linkedOnce    sync.Once
	linkLost      time.Time // when it went down

	done      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup
}

// Open connects to Redis and checks that it answers. It fails when Redis
// is unreachable: the caller decides between an in-memory history and a
// start-up error (-require-redis).
func Open(ctx context.Context, o Options) (*Room, error) {
	opt, err := redis.ParseURL(o.URL)
	if err != nil {
		return nil, fmt.Errorf("history: redis URL %q: %w", o.URL, err)
	}
	r := &Room{
		keys:         KeysFor(orDefault(o.Room, DefaultRoom)),
		keep:         o.Keep,
		server:       randomID(),
		log:          o.Logger,
		retryMin:     o.RetryMin,
		retryMax:     o.RetryMax,
		timeout:      o.Timeout,
		refreshEvery: o.Refresh,
		published:    map[string]bool{},
		flushedOwn:   map[int64]bool{},
		members:      map[string][]chat.Member{},
		done:         make(chan struct{}),
		firstLink:    make(chan struct{}),
	}
	if r.keep <= 0 {
		r.keep = DefaultKeep
	}
	if r.log == nil {
		r.log = log.Default()
	}
	if r.retryMin <= 0 {
		r.retryMin = 100 * time.Millisecond
	}
	if r.retryMax <= 0 {
		r.retryMax = 5 * time.Second
	}
	if r.timeout <= 0 {
		r.timeout = time.Second
	}
	if r.refreshEvery <= 0 {
		r.refreshEvery = 15 * time.Second
	}
	// Short timeouts, and no silent retries: re-sending the append script
	// after a lost reply could store a message twice. The flusher retries,
	// knowing what it does.
	opt.DialTimeout = r.timeout
	opt.ReadTimeout = r.timeout
	opt.WriteTimeout = r.timeout
	opt.MaxRetries = -1
	r.rdb = redis.NewClient(opt)

	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	seq, err := r.rdb.Get(ctx, r.keys.Seq).Int64()
	if err != nil && !errors.Is(err, redis.Nil) {
		r.rdb.Close()
		return nil, fmt.Errorf("history: redis at %s: %w", opt.Addr, err)
	}
	r.floor, r.lastDelivered = seq, seq
	return r, nil
}

// Keys returns the Redis keys of the room.
func (r *Room) Keys() Keys { return r.keys }

// Degraded reports whether messages are waiting in memory for Redis.
func (r *Room) Degraded() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pending) > 0
}

// Close stops the retries, removes this server from the room's members and
// closes the connection. Messages still queued are reported, not dropped
// silently.
func (r *Room) Close() error {
	r.closeOnce.Do(func() { close(r.done) })
	r.mu.Lock()
	r.closed = true // no Here starts a write after this
	r.mu.Unlock()
	r.wg.Wait()
	r.mu.Lock()
	if n := len(r.pending); n > 0 {
		r.log.Printf("history: closing with %d messages that never reached Redis (ids %s..%s)",
			n, r.pending[0].ID, r.pending[n-1].ID)
	}
	r.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	_ = r.rdb.HDel(ctx, r.keys.Members, r.server).Err()
	return r.rdb.Close()
}

// Add stores a message, giving it the room's next ID, and publishes it to
// every server in the room, all in one round trip (see appendScript). When
// Redis is away the message is kept in memory with an ID that still
// increases, queued for a retry, and returned with an error wrapping
// chat.ErrDegraded.
func (r *Room) Add(ctx context.Context, e chat.Event) (chat.Event, error) {
	if e.Type == "" {
		e.Type = chat.TypeMessage
	}
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	e.ID = ""
	r.mu.Lock()
	queued := len(r.pending) > 0
	low := r.floor + 1
	r.mu.Unlock()

	var err error
	if !queued { // keep the order: nothing overtakes what is queued
		var id int64
		id, err = r.store(ctx, e, low, false)
		if err == nil {
			e.ID = strconv.FormatInt(id, 10)
			r.mu.Lock()
			r.see(e)
			r.markPublished(e.ID)
			r.mu.Unlock()
			return e, nil
		}
		var reply redis.Error
		if errors.As(err, &reply) || ctx.Err() != nil {
			// Redis answered "no" (or the sender left): nothing was stored.
			return chat.Event{}, fmt.Errorf("history: add: %w", err)
		}
	}
	return r.degrade(e, err)
}

// store runs appendScript for e (whose ID is ignored), publishing it on the
// room's channel; shown marks a message this server's clients already have.
func (r *Room) store(ctx context.Context, e chat.Event, low int64, shown bool) (int64, error) {
	e.ID = ""
	body, err := json.Marshal(e)
	if err != nil {
		return 0, err
	}
	flag := "0"
	if shown {
		flag = "1"
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	return appendScript.Run(ctx, r.rdb, []string{r.keys.Seq, r.keys.History},
		body, low, r.keep, r.keys.Channel, r.server, flag).Int64()
}

// Since returns the kept messages after id, oldest first, read in one round
// trip. When the messages right after id are gone (trimmed), it returns
// what is kept with chat.ErrTooOld. When Redis is away it answers from
// memory, with an error wrapping chat.ErrDegraded.
func (r *Room) Since(ctx context.Context, id string) ([]chat.Event, error) {
	after, err := parseID(id)
	if err != nil {
		return nil, fmt.Errorf("history: since %q: not a message ID", id)
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	// -keep..-1: the newest keep entries, oldest first. The tutorial's
	// LRANGE key -1 -100 asked for a range whose start is after its stop.
	raw, err := r.rdb.LRange(ctx, r.keys.History, int64(-r.keep), -1).Result()
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		return after1(r.recent, after), fmt.Errorf("%w: reading history: %v", chat.ErrDegraded, err)
	}
	kept := r.decode(raw)
	kept = append(kept, r.pending...) // accepted here, not yet in Redis
	if len(kept) > r.keep {
		kept = kept[len(kept)-r.keep:]
	}
	out := after1(kept, after)
	if after > 0 && len(kept) > 0 && idOf(kept[0]) > after+1 {
		return out, fmt.Errorf("%w: asked for messages after %d, the oldest kept is %s",
			chat.ErrTooOld, after, kept[0].ID)
	}
	return out, nil
}

// decode parses the stored entries, skipping (and logging) what is not a
// message: someone else's data must not crash the room.
func (r *Room) decode(raw []string) []chat.Event {
	out := make([]chat.Event, 0, len(raw))
	for _, s := range raw {
		var e chat.Event
		if err := json.Unmarshal([]byte(s), &e); err != nil || idOf(e) <= 0 {
			r.log.Printf("history: skipping a bad entry in %s: %.60q", r.keys.History, s)
			continue
		}
		out = append(out, e)
	}
	return out
}

// see records a message this room has stored or delivered. Call with mu held.
func (r *Room) see(e chat.Event) {
	id := idOf(e)
	if id > r.floor {
		r.floor = id
	}
	if n := len(r.recent); n > 0 && id <= idOf(r.recent[n-1]) {
		return // seen already: our own message, back from the channel
	}
	r.recent = append(r.recent, e)
	if len(r.recent) > r.keep {
		r.recent = r.recent[len(r.recent)-r.keep:]
	}
}

// markPublished remembers, for a while, that the script published ID, so
// that Publish does not send it a second time. Call with mu held.
func (r *Room) markPublished(id string) {
	r.published[id] = true
	r.publishedFIFO = append(r.publishedFIFO, id)
	if len(r.publishedFIFO) > 1024 {
		delete(r.published, r.publishedFIFO[0])
		r.publishedFIFO = r.publishedFIFO[1:]
	}
}

// after1 returns the events with an ID above after.
func after1(events []chat.Event, after int64) []chat.Event {
	out := []chat.Event{}
	for _, e := range events {
		if idOf(e) > after {
			out = append(out, e)
		}
	}
	return out
}

// parseID reads a message ID; "" is 0, before every message.
func parseID(id string) (int64, error) {
	if id == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n < 0 {
		return 0, errors.New("bad id")
	}
	return n, nil
}

// idOf is e's ID as a number, 0 when it has none.
func idOf(e chat.Event) int64 {
	n, _ := strconv.ParseInt(e.ID, 10, 64)
	return n
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func randomID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// isPending reports whether the message with this ID waits in the queue for
// Redis. Call with mu held.
func (r *Room) isPending(id string) bool {
	for _, p := range r.pending {
		if p.ID == id {
			return true
		}
	}
	return false
}

// stillQueued reports whether e is a message from the queue, stored but not
// yet taken off it by the flusher. By content, not ID: another server may
// have given the same ID to another message meanwhile. Call with mu held.
func (r *Room) stillQueued(e chat.Event) bool {
	for _, p := range r.pending {
		if p.ClientID == e.ClientID && p.Body == e.Body && p.Time.Equal(e.Time) {
			return true
		}
	}
	return false
}
