package load

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/01-polling/wire"
	"example.com/wswalk/05-gorilla-chat/compare"
)

// client is one simulated visitor. The polling ones are chapter 01's
// client (poll.Client), asking with chapter 02's ?wait= for long polling;
// the WebSocket one is below. All three report the same way: requests,
// empty answers, bytes at their own connections, and one delay per
// delivered message.
//
// Run ends in two steps, so that the measurement never cuts a request in
// half (which would leave bytes that one side counted and the other did
// not): when stop is closed a client makes no new request but lets the one
// in flight finish; when ctx ends it drops everything and returns.
type client interface {
	Run(ctx context.Context, stop <-chan struct{}) error
	Report() poll.Report
}

// shortPoller asks every interval, as chapter 01's page does.
type shortPoller struct {
	c        *poll.Client
	interval time.Duration
}

func newShort(base string, interval time.Duration, after int64) client {
	c := poll.NewClient(base, interval)
	c.StartAfter(after)
	return &shortPoller{c: c, interval: interval}
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
		if _, err := p.c.Fetch(ctx, nil); err != nil && ctx.Err() == nil {
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
	c     *poll.Client
	query url.Values
}

func newLong(base string, wait time.Duration, after int64) client {
	c := poll.NewClient(base, 0)
	c.StartAfter(after)
	return &longPoller{c: c, query: url.Values{"wait": {wait.String()}}}
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
		if _, err := p.c.Fetch(ctx, p.query); err != nil {
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

// wsClient is a WebSocket visitor: it connects once to /ws?since=ID and
// reads one JSON message per text frame until told to stop, then closes
// with the closing handshake (RFC 6455, section 7.1.2), so both ends have
// read every byte the other wrote.
type wsClient struct {
	url   string
	meter *wire.Meter

	mu    sync.Mutex
	since int64
	rep   poll.Report
}

func newWS(base string, after int64) *wsClient {
	return &wsClient{
		url:   "ws" + strings.TrimPrefix(base, "http") + "/ws?since=" + strconv.FormatInt(after, 10),
		meter: &wire.Meter{},
		since: after,
	}
}

// Run connects, reads until ctx ends, and closes. An error means the
// connection could not be made or broke before ctx ended. stop changes
// nothing: an idle WebSocket makes no requests.
func (c *wsClient) Run(ctx context.Context, _ <-chan struct{}) error {
	dialer := websocket.Dialer{
		NetDialContext:   c.meter.DialContext(nil),
		HandshakeTimeout: 10 * time.Second,
	}
	c.mu.Lock()
	c.rep.Requests++ // the upgrade request
	c.mu.Unlock()
	conn, resp, err := dialer.DialContext(ctx, c.url, nil)
	if err != nil {
		if resp != nil {
			return fmt.Errorf("dial %s: %w (%s)", c.url, err, resp.Status)
		}
		return fmt.Errorf("dial %s: %w", c.url, err)
	}
	defer conn.Close()

	// Stop: send our close frame; the server answers with its own, which
	// ends the read loop below.
	stopped := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			_ = conn.WriteControl(websocket.CloseMessage,
				websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
			_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
		case <-stopped:
		}
	}()
	defer close(stopped)

	for {
		_, data, err := conn.ReadMessage()
		arrived := time.Now()
		if err != nil {
			if ctx.Err() != nil {
				return nil // the close we asked for
			}
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				return fmt.Errorf("server closed the WebSocket: %d %s", ce.Code, ce.Text)
			}
			return err
		}
		var m poll.Message
		if err := json.Unmarshal(data, &m); err != nil {
			return fmt.Errorf("frame is not a message: %w", err)
		}
		c.mu.Lock()
		if m.ID > c.since {
			c.since = m.ID
			c.rep.Messages++
			c.rep.Delays = append(c.rep.Delays, arrived.Sub(m.Time))
		}
		c.mu.Unlock()
	}
}

// Report returns what the client saw so far, with its bytes on the wire.
func (c *wsClient) Report() poll.Report {
	s := c.meter.Stats()
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.rep
	r.Delays = append([]time.Duration(nil), c.rep.Delays...)
	r.BytesIn, r.BytesOut = s.BytesIn, s.BytesOut
	return r
}
