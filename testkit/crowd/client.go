package crowd

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// marker is what each broadcast carries, found in whatever frame the room
// wraps it in: "crowd-<run>-<seq>-<unixnano>". The run's random part keeps
// a room's history of an earlier run (chapter 05 replays the last 100
// messages to a joiner) from counting as deliveries of this one, and the
// send time travels with the message so the receiver needs nothing shared
// with the sender to time it.
func marker(run string, seq int, sent time.Time) string {
	return fmt.Sprintf("crowd-%s-%d-%d", run, seq, sent.UnixNano())
}

// scan calls found for every marker of this run in frame.
func scan(frame []byte, prefix []byte, found func(seq int, sent int64)) {
	for {
		i := bytes.Index(frame, prefix)
		if i < 0 {
			return
		}
		frame = frame[i+len(prefix):]
		seq, rest, ok := number(frame)
		if !ok || len(rest) == 0 || rest[0] != '-' {
			continue
		}
		sent, rest, ok := number(rest[1:])
		if !ok {
			continue
		}
		frame = rest
		found(int(seq), sent)
	}
}

// number reads the decimal digits at the start of b.
func number(b []byte) (n int64, rest []byte, ok bool) {
	i := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	n, err := strconv.ParseInt(string(b[:i]), 10, 64)
	return n, b[i:], err == nil
}

// client is one connection of the crowd. seen and latencies belong to its
// read loop until the run ends; last and gone to the tracker's lock.
type client struct {
	conn      *websocket.Conn
	seen      []bool
	latencies []time.Duration
	last      int  // highest broadcast seen, -1 for none
	gone      bool // its connection has ended
}

// read is a reading client's whole life: every frame is scanned for
// markers from the moment the dial returns, as a browser's onmessage
// would be, until the connection ends.
func (c *client) read(t *tracker, prefix []byte) {
	for {
		_, frame, err := c.conn.ReadMessage()
		if err != nil {
			t.closed(c, err)
			return
		}
		now := time.Now().UnixNano()
		scan(frame, prefix, func(seq int, sent int64) {
			if seq < 0 || seq >= len(c.seen) || c.seen[seq] {
				return // not ours, or a repeat: counted once
			}
			c.seen[seq] = true
			c.latencies = append(c.latencies, time.Duration(now-sent))
			t.got(c, seq)
		})
	}
}

// tracker knows, for the broadcast being sent, how many reading clients
// still have to receive it, so the sender can send the next one only when
// the last was delivered: one message in flight at a time measures the
// room's fan-out, where a burst would measure the queues the burst fills.
type tracker struct {
	mu      sync.Mutex
	clients []*client
	ended   bool // after this, a closed connection is the harness's doing
	cur     int  // the broadcast being waited for
	pending int  // live clients that have not seen cur yet
	done    chan struct{}
	evicted int
	codes   map[int]int
}

func newTracker() *tracker {
	return &tracker{cur: -1, codes: make(map[int]int)}
}

func (t *tracker) add(c *client) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c.last = -1
	t.clients = append(t.clients, c)
}

// start makes seq the broadcast being waited for; the channel is closed
// once every live client has it (or has gone).
func (t *tracker) start(seq int) <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	done := make(chan struct{})
	t.cur, t.pending, t.done = seq, 0, done
	for _, c := range t.clients {
		if !c.gone && c.last < seq {
			t.pending++
		}
	}
	t.check() // nobody left to wait for: done is closed already
	return done
}

// check closes done when nobody is pending. t.mu is held.
func (t *tracker) check() {
	if t.done != nil && t.pending == 0 {
		close(t.done)
		t.done = nil
	}
}

func (t *tracker) got(c *client, seq int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if seq <= c.last {
		return
	}
	if c.last < t.cur && seq >= t.cur && !c.gone {
		t.pending--
		t.check()
	}
	c.last = seq
}

// closed records the end of a reading client's connection: before the
// run's end it is an eviction, counted by its close code (1006 when the
// server cut the connection without a close frame).
func (t *tracker) closed(c *client, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if c.last < t.cur && !c.gone {
		t.pending--
		t.check()
	}
	c.gone = true
	if !t.ended {
		t.evicted++
		t.codes[closeCode(err)]++
	}
}

// live counts the reading clients whose connection has not ended.
func (t *tracker) live() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, c := range t.clients {
		if !c.gone {
			n++
		}
	}
	return n
}

// end marks the end of the measurement, before the harness closes anything.
func (t *tracker) end() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.ended = true
}

// closeCode is the code of the close frame behind err, or 1006 (abnormal
// closure) when the connection ended without one.
func closeCode(err error) int {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return websocket.CloseAbnormalClosure
}
