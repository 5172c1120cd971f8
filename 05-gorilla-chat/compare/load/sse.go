package load

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/01-polling/wire"
)

// sseClient is a streaming visitor, an EventSource written in Go: one
// GET /events?since=ID whose answer never ends, read line by line. An
// event is its "id:" and "data:" lines and ends at a blank line; a line
// starting with ":" is a comment (the server's heartbeat); "retry:" tells
// a browser how long to wait before reconnecting (the HTML Living
// Standard, "Server-sent events", section "Interpreting an event stream").
type sseClient struct {
	url   string
	meter *wire.Meter

	mu    sync.Mutex
	since int64
	rep   poll.Report
	tally tally
}

func newSSE(base string, after int64) *sseClient {
	return &sseClient{
		url:   base + "/events?since=" + strconv.FormatInt(after, 10),
		meter: &wire.Meter{},
		since: after,
	}
}

// Run opens the stream and reads it until ctx ends. stop changes nothing:
// an open stream makes no requests.
func (c *sseClient) Run(ctx context.Context, _ <-chan struct{}) error {
	hc := &http.Client{Transport: &http.Transport{DialContext: c.meter.DialContext(nil)}}
	defer hc.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	c.mu.Lock()
	c.rep.Requests++
	c.mu.Unlock()
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("GET %s: %w", c.url, err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || !strings.HasPrefix(ct, "text/event-stream") {
		return fmt.Errorf("GET %s: %s, Content-Type %q: not an event stream", c.url, resp.Status, ct)
	}

	lines := bufio.NewReader(resp.Body)
	var data string
	for {
		line, err := lines.ReadString('\n')
		if err != nil {
			if ctx.Err() != nil {
				return nil // we left
			}
			return fmt.Errorf("the stream ended: %w", err)
		}
		line = strings.TrimSuffix(line, "\n")
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch {
		case line == "" && data != "":
			if err := c.deliver(data, time.Now()); err != nil {
				return err
			}
			data = ""
		case line == "":
			c.opened() // the end of the opening "retry:" block
		case field == "data":
			data = value
		}
		// "id:" repeats the ID the data carries; "retry:" and comments
		// are for browsers and proxies.
	}
}

// opened records the set-up once, at the first blank line: nothing is
// published before every client is ready, so what crossed the wire by
// then is the request, the response head and the "retry:" line.
func (c *sseClient) opened() {
	s := c.meter.Stats()
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.tally.Ready {
		c.tally.Ready, c.tally.Setup = true, s.BytesIn+s.BytesOut
	}
}

func (c *sseClient) deliver(data string, arrived time.Time) error {
	var m poll.Message
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		return fmt.Errorf("event is not a message: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if m.ID > c.since {
		c.since = m.ID
		c.rep.Messages++
		c.rep.Delays = append(c.rep.Delays, arrived.Sub(m.Time))
		c.tally.Payload += int64(len(data))
	}
	return nil
}

// Report returns what the client saw so far, with its bytes on the wire.
func (c *sseClient) Report() poll.Report {
	s := c.meter.Stats()
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.rep
	r.Delays = append([]time.Duration(nil), c.rep.Delays...)
	r.BytesIn, r.BytesOut = s.BytesIn, s.BytesOut
	return r
}

func (c *sseClient) Tally() tally {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tally
}
