package load

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/01-polling/wire"
)

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
	tally tally
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
	// Nothing is published before every client is ready, so what crossed
	// the wire so far is the handshake alone (RFC 6455, section 4).
	s := c.meter.Stats()
	c.mu.Lock()
	c.tally.Ready, c.tally.Setup = true, s.BytesIn+s.BytesOut
	c.mu.Unlock()

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
			c.tally.Payload += int64(len(data))
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

func (c *wsClient) Tally() tally {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tally
}
