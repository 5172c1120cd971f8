package chat

import (
	"net"
	"net/http"
	"sync"

	"example.com/wswalk/03-raw-handshake/handshake"
)

// checkOrigin decides whether a browser page may open a WebSocket here,
// with the course's one origin rule (chapter 03's handshake.Origins).
//
// Browsers send cookies with a WebSocket handshake to any site, and the
// same-origin policy does not apply to WebSockets (RFC 6455 section 10.2):
// the Origin header is the only thing telling this server which page is
// asking. A CheckOrigin that returns true (the tutorials' check_origin)
// lets any page on the internet open the chat as its visitor, with the
// visitor's cookie: cross-site WebSocket hijacking. Comparing Origin with
// the request's Host is no better: under DNS rebinding both are the
// attacker's name.
//
// So the page must come from the address this server is reached at (the
// connection's local address: 127.0.0.1:8005, and localhost for a
// loopback one) or from Config.Origins; no Origin header (not a browser:
// curl, the tests' clients) is fine; any other gets 403 from the upgrader.
func (s *Server) checkOrigin(r *http.Request) bool {
	addr, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if addr == nil {
		return r.Header.Get("Origin") == "" // no address to judge by
	}
	return s.origins.For(addr).Check(r)
}

// OriginRules caches one handshake.Origins per address a server is
// reached at, all with the same allow list.
type OriginRules struct {
	Allow []string // also allowed: scheme://host[:port], or "*"

	mu    sync.Mutex
	rules map[string]*handshake.Origins
}

// For returns the rule for a server reached at addr. An allow list that
// does not parse allows no browser page (the command checks it at start:
// see CheckOrigins).
func (o *OriginRules) For(addr net.Addr) *handshake.Origins {
	o.mu.Lock()
	defer o.mu.Unlock()
	if rule, ok := o.rules[addr.String()]; ok {
		return rule
	}
	rule, _ := handshake.OriginsFor(addr, o.Allow...)
	if o.rules == nil {
		o.rules = map[string]*handshake.Origins{}
	}
	o.rules[addr.String()] = rule
	return rule
}

// CheckOrigins reports what is wrong with an allow list, if anything.
func CheckOrigins(allow []string) error {
	_, err := handshake.NewOrigins(nil, allow)
	return err
}
