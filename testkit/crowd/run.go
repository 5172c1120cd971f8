package crowd

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// run is one Run's state.
type run struct {
	o      Options
	t      *tracker
	id     string // in every marker: this run's and no other's
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // every goroutine of the run

	mu       sync.Mutex
	closed   bool
	conns    []*websocket.Conn // everything to close at the end
	stalled  []*websocket.Conn
	crowd    int // connections of the crowd, the sender not counted
	dialErrs int
	dialErr  string
	cleaned  sync.Once
}

// keep records a connection for cleanup, and one of the crowd as such;
// false once cleanup has begun, and then the connection is closed here.
func (r *run) keep(c *websocket.Conn, crowd, stalled bool) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		c.Close()
		return false
	}
	r.conns = append(r.conns, c)
	if crowd {
		r.crowd++
	}
	if stalled {
		r.stalled = append(r.stalled, c)
	}
	return true
}

func (r *run) stalledConns() []*websocket.Conn {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.stalled)
}

// arrive dials every client, at most Dials at a time. A client starts
// reading as soon as its own dial returns, not when all are in: that is
// when a browser's page starts reading, and when the room first writes to
// it (chapter 05 announces every arrival to everyone already there).
func (r *run) arrive(res *Result) {
	start := time.Now()
	sem := make(chan struct{}, r.o.Dials)
	var dials sync.WaitGroup
	prefix := []byte("crowd-" + r.id + "-")
loop:
	for i := range r.o.Clients {
		select {
		case sem <- struct{}{}:
		case <-r.ctx.Done():
			break loop
		}
		stalled := i < r.o.Stalled
		dials.Add(1)
		r.wg.Go(func() {
			conn, _, err := dialer(stalled).DialContext(r.ctx, r.o.URL, r.o.Header)
			<-sem
			if err != nil {
				r.mu.Lock()
				if r.dialErrs++; r.dialErr == "" {
					r.dialErr = err.Error()
				}
				r.mu.Unlock()
				dials.Done()
				return
			}
			if !r.keep(conn, true, stalled) || stalled {
				dials.Done()
				return
			}
			c := &client{conn: conn, seen: make([]bool, r.o.Broadcasts)}
			r.t.add(c)
			dials.Done()
			c.read(r.t, prefix)
		})
	}
	dials.Wait()
	res.Arrival = time.Since(start)
}

// settle waits for the room to count everyone, then Settle more, and
// measures the server.
func (r *run) settle(res *Result) error {
	if r.o.StatsURL != "" {
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
			s, err := getStats(r.ctx, r.o.StatsURL)
			if err != nil {
				return err
			}
			if s.Clients >= r.t.live()+len(r.stalledConns()) {
				break
			}
			if err := sleep(r.ctx, 50*time.Millisecond); err != nil {
				return err
			}
		}
	}
	if err := sleep(r.ctx, r.o.Settle); err != nil {
		return err
	}
	return measure(r.ctx, r.o, &res.RSSAfter, &res.GoroutinesAfter)
}

// broadcast connects the sender and posts the messages one at a time: the
// next goes when every reading client has the last (or has gone, or Wait
// has passed), then Gap later. The sender reads too, and throws it away,
// so that the room has no reason to drop it.
func (r *run) broadcast() error {
	sender, _, err := dialer(false).DialContext(r.ctx, r.o.URL, r.o.Header)
	if err != nil {
		return fmt.Errorf("crowd: the sender could not connect: %w", err)
	}
	if !r.keep(sender, false, false) {
		return r.ctx.Err()
	}
	gone := make(chan struct{})
	var goneErr atomic.Value
	r.wg.Go(func() {
		defer close(gone)
		for {
			if _, _, err := sender.ReadMessage(); err != nil {
				goneErr.Store(err)
				return
			}
		}
	})
	pad := ""
	if r.o.Pad > 0 {
		pad = " " + strings.Repeat("x", r.o.Pad)
	}
	for seq := range r.o.Broadcasts {
		done := r.t.start(seq)
		sender.SetWriteDeadline(time.Now().Add(writeWait))
		frame := r.o.Payload(marker(r.id, seq, time.Now()) + pad)
		if err := sender.WriteMessage(websocket.TextMessage, frame); err != nil {
			return fmt.Errorf("crowd: sending broadcast %d: %w", seq, err)
		}
		timer := time.NewTimer(r.o.Wait)
		select {
		case <-done:
		case <-timer.C: // a room that loses messages silently: go on
		case <-gone:
			timer.Stop()
			return fmt.Errorf("crowd: the room closed the sender after %d broadcasts: %v", seq, goneErr.Load())
		case <-r.ctx.Done():
			timer.Stop()
			return r.ctx.Err()
		}
		timer.Stop()
		if err := sleep(r.ctx, r.o.Gap); err != nil {
			return err
		}
	}
	return nil
}

// drainStalled reads what each stalled client was sent and counts those
// whose connection the room had ended: a close frame, or the end of the
// stream, behind the data, within drainWait.
func (r *run) drainStalled() int {
	var evicted atomic.Int64
	var wg sync.WaitGroup
	for _, c := range r.stalledConns() {
		wg.Go(func() {
			c.SetReadDeadline(time.Now().Add(drainWait))
			for {
				_, _, err := c.ReadMessage()
				if err == nil {
					continue
				}
				var ne interface{ Timeout() bool }
				if !errors.As(err, &ne) || !ne.Timeout() {
					evicted.Add(1)
				}
				return
			}
		})
	}
	wg.Wait()
	return int(evicted.Load())
}

// cleanup closes every connection, stops every dial and waits for every
// goroutine of the run. Closing makes each blocked read return at once, so
// this never waits on the network.
func (r *run) cleanup() {
	r.cleaned.Do(func() {
		r.t.end()
		r.cancel()
		r.mu.Lock()
		r.closed = true
		conns := r.conns
		r.mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
		r.wg.Wait()
	})
}

// tally fills in res once every goroutine has stopped.
func (r *run) tally(res *Result) {
	res.DialErrors, res.DialError = r.dialErrs, r.dialErr
	res.Connected = r.crowd
	res.Evicted = r.t.evicted
	for code, n := range r.t.codes {
		res.CloseCodes[code] = n
	}
	var all []time.Duration
	for _, c := range r.t.clients {
		all = append(all, c.latencies...)
	}
	res.Delivered = len(all)
	res.Expected = r.o.Broadcasts * len(r.t.clients)
	slices.Sort(all)
	res.P50, res.P99 = percentile(all, 0.50), percentile(all, 0.99)
	if res.Connected > 0 {
		n := float64(res.Connected)
		if r.o.PID > 0 {
			res.RSSPerConn = float64(res.RSSAfter-res.RSSBefore) / n
		}
		if r.o.StatsURL != "" {
			res.GoroutinesPerConn = float64(res.GoroutinesAfter-res.GoroutinesBefore) / n
		}
	}
}

// percentile is the nearest-rank percentile of sorted: the smallest value
// that at least p of them do not exceed.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// sleep waits d, or less if ctx ends first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
