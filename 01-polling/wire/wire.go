// Package wire counts what really crosses the network: every byte read from
// and written to a connection, HTTP headers included, and every request.
//
// Polling costs more than its JSON bodies: each request carries a request
// line and headers, each answer a status line and headers, often more bytes
// than the messages themselves. Counting at the net.Conn, below HTTP, is the
// only way to see that cost as it is, instead of estimating it.
//
// A Meter holds the counters. Wrap a server's listener with NewListener, or
// a client's connections with Meter.Conn (see Meter.DialContext). Meters
// share nothing, so one process can count several servers or clients apart.
package wire

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"sync/atomic"
)

// Stats is a snapshot of a Meter, as GET /stats sends it.
type Stats struct {
	Connections int64 `json:"connections"` // connections opened so far
	Requests    int64 `json:"requests"`    // HTTP requests served (or made)
	BytesIn     int64 `json:"bytes_in"`    // bytes read from the connections
	BytesOut    int64 `json:"bytes_out"`   // bytes written to the connections
}

// Meter counts connections, requests and bytes. The zero value is ready to
// use, and every method is safe for concurrent use: the counters are
// atomics, so counting never takes a lock on the hot path.
type Meter struct {
	conns, requests, in, out atomic.Int64
}

// Stats returns the counters now.
func (m *Meter) Stats() Stats {
	return Stats{
		Connections: m.conns.Load(),
		Requests:    m.requests.Load(),
		BytesIn:     m.in.Load(),
		BytesOut:    m.out.Load(),
	}
}

// CountRequest adds one to the request counter.
func (m *Meter) CountRequest() { m.requests.Add(1) }

// Conn wraps c so that every byte read from or written to it is counted,
// and counts it as one more connection.
func (m *Meter) Conn(c net.Conn) net.Conn {
	m.conns.Add(1)
	return &conn{Conn: c, m: m}
}

// CountRequests wraps next so that every request it serves is counted.
func (m *Meter) CountRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.requests.Add(1)
		next.ServeHTTP(w, r)
	})
}

// Handler serves GET /stats: the counters as JSON.
func (m *Meter) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method " + r.Method + " not allowed; use GET"})
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, m.Stats())
	})
}

// DialContext returns a dial function for http.Transport.DialContext whose
// connections are counted by m, so a client measures its own traffic.
// A nil dialer means a zero net.Dialer.
func (m *Meter) DialContext(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	if d == nil {
		d = &net.Dialer{}
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return m.Conn(c), nil
	}
}

// conn is a net.Conn that counts its bytes. Read and Write report what the
// kernel really took or gave, so partial reads and writes count exactly.
type conn struct {
	net.Conn
	m *Meter
}

func (c *conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.m.in.Add(int64(n))
	return n, err
}

// Write counts p before it can reach the peer, then takes back what the
// kernel did not take: counted after, a reply could arrive, and a client
// could ask /stats, before its bytes were added.
func (c *conn) Write(p []byte) (int, error) {
	c.m.out.Add(int64(len(p)))
	n, err := c.Conn.Write(p)
	c.m.out.Add(int64(n - len(p)))
	return n, err
}

// Listener is a net.Listener whose accepted connections are counted.
type Listener struct {
	net.Listener
	meter *Meter
}

// NewListener wraps l; every connection it accepts is counted by a fresh
// Meter of its own.
func NewListener(l net.Listener) *Listener {
	return &Listener{Listener: l, meter: &Meter{}}
}

// Accept waits for the next connection and returns it wrapped for counting.
func (l *Listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return l.meter.Conn(c), nil
}

// Meter returns the listener's counters.
func (l *Listener) Meter() *Meter { return l.meter }

// Stats returns the listener's counters now.
func (l *Listener) Stats() Stats { return l.meter.Stats() }

// CountRequests wraps next so that the requests it serves are counted with
// this listener's bytes.
func (l *Listener) CountRequests(next http.Handler) http.Handler {
	return l.meter.CountRequests(next)
}

// Handler serves GET /stats for this listener.
func (l *Listener) Handler() http.Handler { return l.meter.Handler() }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
