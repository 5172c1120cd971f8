package longpoll

import (
	"context"
	"net/url"
	"time"

	"example.com/wswalk/01-polling/poll"
)

// Client long-polls a message log: it asks GET /messages?since=ID&wait=W
// and, as soon as an answer comes, asks again. It counts what chapter 01's
// client counts (it is one, asking with a wait).
type Client struct {
	c    *poll.Client
	wait time.Duration
}

// NewClient returns a client of the server at baseURL that holds each
// request for up to wait.
func NewClient(baseURL string, wait time.Duration) *Client {
	return &Client{c: poll.NewClient(baseURL, 0), wait: wait}
}

// StartAfter makes the client ask only for messages after id.
func (c *Client) StartAfter(id int64) { c.c.StartAfter(id) }

// Run long-polls until ctx is done and returns nil. After a failed request
// it waits a second before the next, so a server that is down is not
// hammered by a loop of instant failures.
func (c *Client) Run(ctx context.Context) error {
	q := url.Values{"wait": {c.wait.String()}}
	for ctx.Err() == nil {
		if _, err := c.c.Fetch(ctx, q); err != nil {
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
	c.c.CloseIdleConnections()
	return nil
}

// Report returns what the client saw so far.
func (c *Client) Report() poll.Report { return c.c.Report() }
