// Package client is the client end of chapter 04: it dials a ws:// URL,
// performs the opening handshake with chapter 03's handshake package
// (checking Sec-WebSocket-Accept, §4.1), and returns a *ws.Conn that masks
// every frame it writes with a fresh key from crypto/rand (§5.3).
//
//	c, _, err := client.Dial(ctx, "ws://127.0.0.1:8004/echo", client.Options{})
//	if err != nil { ... }
//	c.WriteMessage(frame.OpText, []byte("hello"))
//	op, msg, err := c.ReadMessage()
//	err = c.CloseAndWait(frame.CloseNormal, "bye")
package client

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/url"
	"time"

	"example.com/wswalk/03-raw-handshake/handshake"
	"example.com/wswalk/04-framing/ws"
)

// Options tune Dial. The zero value is ready to use.
type Options struct {
	Origin       string        // Origin header; "" sends none (browsers always send one)
	Subprotocols []string      // offered to the server, in order of preference
	Timeout      time.Duration // for the TCP connect and the handshake; 0 is handshake.DefaultTimeout
	Conn         ws.Options    // limits, deadlines, trace and pong hook of the connection
}

// Dial connects to a ws:// URL and completes the opening handshake. It
// returns the connection and the server's handshake response (for its
// headers, e.g. the chosen subprotocol). wss:// is not spoken here: TLS
// would hide the frames this chapter is about.
func Dial(ctx context.Context, rawURL string, opt Options) (*ws.Conn, *handshake.Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, nil, fmt.Errorf("client: %w", err)
	}
	if u.Scheme != "ws" {
		return nil, nil, fmt.Errorf("client: scheme %q: only ws:// is supported", u.Scheme)
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "80")
	}
	timeout := opt.Timeout
	if timeout <= 0 {
		timeout = handshake.DefaultTimeout
	}
	d := net.Dialer{Timeout: timeout}
	nc, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return nil, nil, fmt.Errorf("client: %w", err)
	}
	// The handshake gets one deadline, and ctx can cut it short too.
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	nc.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { nc.SetDeadline(time.Now()) })
	defer stop()

	br := bufio.NewReader(nc)
	req := handshake.ClientRequest{
		Host:         u.Host,
		Target:       u.RequestURI(),
		Origin:       opt.Origin,
		Subprotocols: opt.Subprotocols,
	}
	resp, _, err := handshake.ClientHandshake(nc, br, req)
	if err != nil {
		nc.Close()
		return nil, resp, fmt.Errorf("client: %s: %w", rawURL, err)
	}
	if !stop() { // ctx ended during the handshake
		nc.Close()
		return nil, resp, fmt.Errorf("client: %s: %w", rawURL, ctx.Err())
	}
	nc.SetDeadline(time.Time{})
	return ws.NewClient(nc, br, opt.Conn), resp, nil
}
