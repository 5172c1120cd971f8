package poll

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"example.com/wswalk/01-polling/wire"
)

// Report is what a polling client saw: how many requests it made, how many
// came back empty, what crossed the wire, and how late each message came.
type Report struct {
	Requests int64 `json:"requests"`
	Empty    int64 `json:"empty"`  // answers with no message in them
	Errors   int64 `json:"errors"` // failed requests (network or status)
	Messages int64 `json:"messages"`
	// BytesIn and BytesOut are counted at the client's connections, so
	// they include every request line, header and status line.
	BytesIn  int64 `json:"bytes_in"`
	BytesOut int64 `json:"bytes_out"`
	// Delays holds, per delivered message, arrival time minus the time the
	// server stored it.
	Delays []time.Duration `json:"delays"`
}

// Add returns the sum of two reports (delays concatenated), for adding up
// many clients.
func (r Report) Add(o Report) Report {
	return Report{
		Requests: r.Requests + o.Requests,
		Empty:    r.Empty + o.Empty,
		Errors:   r.Errors + o.Errors,
		Messages: r.Messages + o.Messages,
		BytesIn:  r.BytesIn + o.BytesIn,
		BytesOut: r.BytesOut + o.BytesOut,
		Delays:   append(slices.Clip(r.Delays), o.Delays...),
	}
}

// Bytes is everything on the wire, both directions.
func (r Report) Bytes() int64 { return r.BytesIn + r.BytesOut }

// BytesPerMessage is the wire cost of each delivered message (0 if none).
func (r Report) BytesPerMessage() float64 {
	if r.Messages == 0 {
		return 0
	}
	return float64(r.Bytes()) / float64(r.Messages)
}

// DelayQuantile returns the q-quantile (0..1) of the delivery delays, e.g.
// 0.5 for the median, or 0 when nothing was delivered.
func (r Report) DelayQuantile(q float64) time.Duration {
	if len(r.Delays) == 0 {
		return 0
	}
	d := slices.Clone(r.Delays)
	slices.Sort(d)
	i := int(q * float64(len(d)-1))
	return d[max(0, min(i, len(d)-1))]
}

// MedianDelay is DelayQuantile(0.5).
func (r Report) MedianDelay() time.Duration { return r.DelayQuantile(0.5) }

// Client reads a message log over HTTP the way a polling page does: it
// remembers the last ID it saw and asks GET /messages?since=ID. Its
// connections are counted by a wire.Meter, so its Report holds the real
// bytes on the wire. A Client is safe for concurrent use, but one loop
// (Run) at a time is what makes sense.
type Client struct {
	base     string
	interval time.Duration
	http     *http.Client
	meter    *wire.Meter

	mu    sync.Mutex
	since int64
	rep   Report
}

// NewClient returns a client of the server at baseURL (for example
// "http://127.0.0.1:8001"; requests go to baseURL+"/messages") that Run
// polls every interval. It has its own connection pool, so each Client is
// one browser's worth of traffic.
func NewClient(baseURL string, interval time.Duration) *Client {
	m := &wire.Meter{}
	tr := &http.Transport{
		DialContext:         m.DialContext(nil),
		MaxIdleConnsPerHost: 1,
		IdleConnTimeout:     90 * time.Second,
	}
	return &Client{
		base:     strings.TrimSuffix(baseURL, "/"),
		interval: interval,
		http:     &http.Client{Transport: tr},
		meter:    m,
	}
}

// StartAfter makes the client ask only for messages after id, as a page
// that has already shown them would.
func (c *Client) StartAfter(id int64) {
	c.mu.Lock()
	c.since = id
	c.mu.Unlock()
}

// Run polls every interval until ctx is done, then closes the client's idle
// connections and returns nil. A failed request is counted and retried at
// the next tick.
func (c *Client) Run(ctx context.Context) error {
	defer c.http.CloseIdleConnections()
	t := time.NewTicker(c.interval)
	defer t.Stop()
	for {
		_, _ = c.Fetch(ctx, nil)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Fetch makes one GET /messages?since=ID (plus the query in extra, such as
// chapter 02's wait) and returns the new messages, counting the request,
// its bytes, and each message's delay. A request cut short by ctx is not
// counted as an error.
func (c *Client) Fetch(ctx context.Context, extra url.Values) ([]Message, error) {
	c.mu.Lock()
	since := c.since
	c.rep.Requests++
	c.mu.Unlock()

	msgs, err := c.get(ctx, since, extra)
	arrived := time.Now()

	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		if ctx.Err() == nil {
			c.rep.Errors++
		} else {
			c.rep.Requests-- // never answered: the caller gave up on it
		}
		return nil, err
	}
	if len(msgs) == 0 {
		c.rep.Empty++
	}
	for _, m := range msgs {
		if m.ID <= c.since {
			continue // already seen (two overlapping Fetch calls)
		}
		c.since = m.ID
		c.rep.Messages++
		c.rep.Delays = append(c.rep.Delays, arrived.Sub(m.Time))
	}
	return msgs, nil
}

func (c *Client) get(ctx context.Context, since int64, extra url.Values) ([]Message, error) {
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	q.Set("since", strconv.FormatInt(since, 10))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/messages?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return nil, fmt.Errorf("GET /messages: %s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	var msgs []Message
	if err := json.NewDecoder(resp.Body).Decode(&msgs); err != nil {
		return nil, fmt.Errorf("GET /messages: %w", err)
	}
	// Read to the end so the connection goes back to the pool for reuse,
	// as a browser's would.
	_, _ = io.Copy(io.Discard, resp.Body)
	return msgs, nil
}

// CloseIdleConnections closes the client's kept-alive connections.
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }

// Report returns what the client saw so far.
func (c *Client) Report() Report {
	s := c.meter.Stats()
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.rep
	r.Delays = slices.Clone(c.rep.Delays)
	r.BytesIn, r.BytesOut = s.BytesIn, s.BytesOut
	return r
}
