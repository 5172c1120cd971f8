package handshake

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"slices"
	"strings"
)

// Origins is an origin policy: which web pages may open a WebSocket to a
// server (RFC 6455 §4.2.1 item 7, §10.2). It is built once, from the
// address the server listens on and an allow list, and is safe for
// concurrent use; every server of the course uses this one rule.
//
// Browsers let any page open a WebSocket to any server, cookies included:
// the same-origin policy does not cover WebSockets (§10.2). The Origin
// header, which a page cannot forge, is the server's only clue to which
// page is asking. The rule:
//
//   - no Origin: not a browser (curl, a test client), and such a client
//     could write any Origin it liked anyway: allowed;
//   - a page this server serves itself: the listener's address, and the
//     names a loopback listener is known by (localhost, 127.0.0.1, [::1]
//     on its port) or, for a listener on every interface (":8005"), the
//     machine's interface addresses and host name: allowed;
//   - an origin on the allow list ("-origins"), or anything if it holds
//     "*": allowed;
//   - anything else, "null" and malformed values included: refused (403).
//
// It never looks at the request's Host header. Host is whatever the client
// wrote, and under DNS rebinding it is the attacker's: a page from
// http://evil.example:8003, whose DNS name the attacker then points at
// 127.0.0.1, opens ws://evil.example:8003/ws and reaches a server on the
// visitor's own loopback, with Host: evil.example:8003 and Origin:
// http://evil.example:8003. "Origin equals Host" holds, and proves nothing.
// Only the server knows where it is served, so that is what Origin is
// compared with.
type Origins struct {
	any  bool     // "*" was allowed: no check at all
	list []origin // the origins allowed, each once
}

// NewOrigins returns the policy of a server reached at the served
// addresses ("host:port", as a listener's Addr().String() gives them:
// "127.0.0.1:8003", "[::]:8005") that also allows the pages at the origins
// of allow ("scheme://host[:port]"; "*" for any). A served port must be a
// real one: listen first, then pass ln.Addr().
func NewOrigins(served, allow []string) (*Origins, error) {
	o := &Origins{}
	for _, addr := range served {
		list, err := servedOrigins(addr)
		if err != nil {
			return nil, err
		}
		o.add(list...)
	}
	for _, a := range allow {
		switch a {
		case "*":
			o.any = true
			continue
		case "null":
			// RFC 6454 §6.2: any site can give its page this origin (a
			// sandboxed iframe does), so allowing it allows everyone.
			return nil, errors.New(`origin "null" cannot be allowed: any page can have it; use "*" to allow every origin`)
		}
		p, ok := parseOrigin(strings.TrimSuffix(a, "/"))
		if !ok {
			return nil, fmt.Errorf("origin %q: want scheme://host[:port], e.g. https://app.example or http://192.168.1.20:8005", a)
		}
		o.add(p)
	}
	return o, nil
}

// OriginsFor returns the policy of a server listening at addr (its
// listener's Addr()) that also allows the origins of allow: NewOrigins
// for one listener.
func OriginsFor(addr net.Addr, allow ...string) (*Origins, error) {
	return NewOrigins([]string{addr.String()}, allow)
}

// Allowed reports whether a page whose Origin header is origin may open a
// WebSocket. The empty string, what a missing header reads as, is allowed:
// see Origins. A nil *Origins allows no browser page at all.
func (o *Origins) Allowed(origin string) bool {
	switch {
	case origin == "":
		return true
	case o == nil:
		return false
	case o.any:
		return true
	}
	p, ok := parseOrigin(origin) // "null" has no "://" and is refused here
	return ok && slices.ContainsFunc(o.list, p.equal)
}

// allowsAny reports whether o was given "*".
func (o *Origins) allowsAny() bool { return o != nil && o.any }

// String lists what o allows, for a server's log line.
func (o *Origins) String() string {
	if o == nil {
		return "no browser origins"
	}
	var parts []string
	if o.any {
		parts = append(parts, "*")
	}
	for _, p := range o.list {
		parts = append(parts, p.String())
	}
	return strings.Join(parts, " ")
}

func (o *Origins) add(list ...origin) {
	for _, p := range list {
		if !slices.ContainsFunc(o.list, p.equal) {
			o.list = append(o.list, p)
		}
	}
}

// servedOrigins returns the origins of the pages a listener at addr serves.
// The listener speaks plain HTTP, so they are http:// origins; a server
// behind a TLS proxy lists its https:// origin in the allow list.
func servedOrigins(addr string) ([]origin, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("served address %q: %w", addr, err)
	}
	port, ok := parsePort(portText)
	if !ok {
		return nil, fmt.Errorf("served address %q: want a port from 1 to 65535 (listen first, then pass ln.Addr())", addr)
	}
	var list []origin
	addIP := func(ip netip.Addr) {
		list = append(list, origin{scheme: "http", ip: ip.Unmap().WithZone(""), port: port})
	}
	addName := func(name string) {
		list = append(list, origin{scheme: "http", name: strings.ToLower(name), port: port})
	}
	loopback := func() {
		addName("localhost") // RFC 6761 §6.3: always the loopback
		addIP(netip.AddrFrom4([4]byte{127, 0, 0, 1}))
		addIP(netip.IPv6Loopback())
	}
	ip, ipErr := netip.ParseAddr(host)
	switch {
	case host == "" || ipErr == nil && ip.IsUnspecified():
		// Every interface: the pages may come from any of its addresses,
		// or from the machine's name, as a classroom types it.
		loopback()
		if addrs, err := net.InterfaceAddrs(); err == nil {
			for _, a := range addrs {
				if n, ok := a.(*net.IPNet); ok {
					if ip, ok := netip.AddrFromSlice(n.IP); ok {
						addIP(ip)
					}
				}
			}
		}
		if name, err := os.Hostname(); err == nil && validHostName(name) {
			addName(name)
		}
	case strings.EqualFold(host, "localhost") || ipErr == nil && ip.IsLoopback():
		loopback()
		if ipErr == nil {
			addIP(ip) // 127.0.0.2 is loopback too, and is not 127.0.0.1
		}
	case ipErr == nil:
		addIP(ip)
	case validHostName(host):
		addName(host)
	default:
		return nil, fmt.Errorf("served address %q: malformed host", addr)
	}
	return list, nil
}
