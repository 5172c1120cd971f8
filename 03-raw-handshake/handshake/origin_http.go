package handshake

import (
	"net"
	"net/http"
	"sync"
)

// Check applies o to a request a net/http server has read: it has the
// signature of gorilla/websocket's Upgrader.CheckOrigin, so a server built
// on net/http uses the same rule as this package's own (chapter 05):
//
//	origins, err := handshake.OriginsFor(ln.Addr(), allow...)
//	up := websocket.Upgrader{CheckOrigin: origins.Check}
//
// This package's server side never imports net/http for anything else.
// Like Validate, Check refuses a request with several Origin headers: a
// browser sends one (RFC 6455 §4.1 item 8), and which of them to believe
// is anyone's guess.
func (o *Origins) Check(r *http.Request) bool {
	values := r.Header.Values("Origin")
	switch len(values) {
	case 0:
		return true
	case 1:
		return o.Allowed(values[0])
	}
	return false
}

// ByAddr is the rule for a net/http server, which learns the address it
// is reached at from each request (http.LocalAddrContextKey): one Origins
// per address, made on first use, all with the same allow list. A request
// without an address to judge by is allowed only without an Origin.
type ByAddr struct {
	Allow []string // also allowed: scheme://host[:port], or "*"

	mu    sync.Mutex
	rules map[string]*Origins
}

// For returns the rule of a server reached at addr. An allow list that
// does not parse allows no browser page: check it at start with
// NewOrigins(nil, allow).
func (b *ByAddr) For(addr net.Addr) *Origins {
	b.mu.Lock()
	defer b.mu.Unlock()
	if rule, ok := b.rules[addr.String()]; ok {
		return rule
	}
	rule, _ := OriginsFor(addr, b.Allow...)
	if b.rules == nil {
		b.rules = map[string]*Origins{}
	}
	b.rules[addr.String()] = rule
	return rule
}

// Check applies the rule of the address r came in on; it has the
// signature of gorilla/websocket's Upgrader.CheckOrigin.
func (b *ByAddr) Check(r *http.Request) bool {
	addr, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if addr == nil {
		return r.Header.Get("Origin") == ""
	}
	return b.For(addr).Check(r)
}
