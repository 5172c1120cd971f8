package load

import (
	"context"
	"encoding/json"
	"net/url"
	"sync"
	"time"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/05-gorilla-chat/compare"
)

// client is one simulated visitor. The polling ones are chapter 01's
// client (poll.Client), asking with chapter 02's ?wait= for long polling;
// the streaming one (sse.go) and the WebSocket one (ws.go) hold one
// connection each. All four report the same way: requests, empty answers,
// bytes at their own connections, and one delay per delivered message;
// and, to tell the cost of carrying a message from the message itself,
// what setting up cost and how many bytes the messages themselves were.
//
// Run ends in two steps, so that the measurement never cuts a request in
// half (which would leave bytes that one side counted and the other did
// not): when stop is closed a client makes no new request but lets the one
// in flight finish; when ctx ends it drops everything and returns.
type client interface {
	Run(ctx context.Context, stop <-chan struct{}) error
	Report() poll.Report
	Tally() tally
}

// tally is what a client counted besides its poll.Report.
type tally struct {
	// Ready is set once the client is set up: a stream or a WebSocket is
	// open and its opening read. A poller is always ready (Run waits for
	// its first question at the server instead: a long poll's first
	// answer comes only with the first message).
	Ready bool
	// Setup is the bytes, both ways, of setting up: the WebSocket
	// handshake; the stream's request, response head and first line.
	// Polling has none: every question is a whole exchange.
	Setup int64
	// Payload is the bytes of the delivered messages' JSON objects, the
	// same whichever way they came: the rest of the wire is overhead.
	Payload int64
}

// payloadTally counts, for the polling clients, the JSON of each new
// message an answer brought (each object of the answer's array is encoded
// as json.Marshal encodes it; the brackets and commas are overhead).
type payloadTally struct {
	mu    sync.Mutex
	t     tally
	since int64
}

func (p *payloadTally) add(msgs []poll.Message, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		return
	}
	for _, m := range msgs {
		if m.ID <= p.since {
			continue
		}
		p.since = m.ID
		p.t.Payload += payloadSize(m)
	}
}

func (p *payloadTally) Tally() tally {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.t
}

// payloadSize is the length of m's JSON object, as every technique's
// server encodes it.
func payloadSize(m poll.Message) int64 {
	b, _ := json.Marshal(m) // strings, numbers and a time: cannot fail
	return int64(len(b))
}

// shortPoller asks every interval, as chapter 01's page does.
type shortPoller struct {
	payloadTally
	c        *poll.Client
	interval time.Duration
}

func newShort(base string, interval time.Duration, after int64) client {
	c := poll.NewClient(base, interval)
	c.StartAfter(after)
	p := &shortPoller{c: c, interval: interval}
	p.since, p.t.Ready = after, true
	return p
}

// Run is poll.Client.Run, except that stop ends it between two requests.
func (p *shortPoller) Run(ctx context.Context, stop <-chan struct{}) error {
	defer p.c.CloseIdleConnections()
	t := time.NewTicker(p.interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return nil
		default:
		}
		msgs, err := p.c.Fetch(ctx, nil)
		p.add(msgs, err)
		if err != nil && ctx.Err() == nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-stop:
			return nil
		case <-t.C:
		}
	}
}

func (p *shortPoller) Report() poll.Report { return p.c.Report() }

// longPoller asks again as soon as an answer comes, and the server holds
// each question up to wait: chapter 02's longpoll.Client, which is chapter
// 01's client asking with ?wait=. After stop it leaves its last question
// held (it costs nothing until news comes) and asks no more.
type longPoller struct {
	payloadTally
	c     *poll.Client
	query url.Values
}

func newLong(base string, wait time.Duration, after int64) client {
	c := poll.NewClient(base, 0)
	c.StartAfter(after)
	p := &longPoller{c: c, query: url.Values{"wait": {wait.String()}}}
	p.since, p.t.Ready = after, true
	return p
}

func (p *longPoller) Run(ctx context.Context, stop <-chan struct{}) error {
	defer p.c.CloseIdleConnections()
	for {
		select {
		case <-stop:
			return nil
		case <-ctx.Done():
			return nil
		default:
		}
		msgs, err := p.c.Fetch(ctx, p.query)
		p.add(msgs, err)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
}

func (p *longPoller) Report() poll.Report { return p.c.Report() }

// group runs the clients until their context ends.
type group struct {
	wg    sync.WaitGroup
	mu    sync.Mutex
	first error
}

func (g *group) Wait() { g.wg.Wait() }

func (g *group) err() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.first
}

// startClients starts every client. Short pollers start spread evenly over
// one interval, as visitors who opened the page at different moments are:
// a hundred clients polling in lockstep would be a burst, not a load.
func startClients(ctx context.Context, stop <-chan struct{}, technique string, clients []client, interval time.Duration) *group {
	g := &group{}
	for i, c := range clients {
		var delay time.Duration
		if technique == compare.Short {
			delay = interval * time.Duration(i) / time.Duration(len(clients))
		}
		g.wg.Go(func() {
			if delay > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(delay):
				}
			}
			if err := c.Run(ctx, stop); err != nil && ctx.Err() == nil {
				g.mu.Lock()
				if g.first == nil {
					g.first = err
				}
				g.mu.Unlock()
			}
		})
	}
	return g
}
