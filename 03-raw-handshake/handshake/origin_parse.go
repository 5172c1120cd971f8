package handshake

import (
	"net/netip"
	"strconv"
	"strings"
)

// origin is an origin as browsers serialise it (RFC 6454 §6.2): scheme,
// host and port, with the port made explicit.
type origin struct {
	scheme string     // compared case-insensitively (RFC 3986 §3.1)
	name   string     // the host, when it is a name; case-insensitive too
	ip     netip.Addr // the host, when it is an IP address
	port   uint16     // as written, or the scheme's default; 0 for none
}

// parseOrigin parses s as browsers send it in Origin (RFC 6454 §6.2):
// scheme "://" host [":" port], and nothing else. A path, a query, user
// info ("http://evil@127.0.0.1:8003"), a bare IPv6 address or a stray
// character is not something a browser sends, and is refused rather than
// guessed at: taking such a value's host for the page's would let it pass
// under false pretences.
func parseOrigin(s string) (origin, bool) {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok || !validScheme(scheme) {
		return origin{}, false
	}
	o := origin{scheme: scheme}
	var port string
	var hasPort bool
	if after, ok := strings.CutPrefix(rest, "["); ok { // an IPv6 literal (RFC 3986 §3.2.2)
		literal, tail, ok := strings.Cut(after, "]")
		ip, err := netip.ParseAddr(literal)
		if !ok || err != nil || !ip.Is6() || ip.Zone() != "" {
			return origin{}, false
		}
		o.ip = ip
		if tail != "" {
			if port, hasPort = strings.CutPrefix(tail, ":"); !hasPort {
				return origin{}, false
			}
		}
	} else {
		var host string
		host, port, hasPort = strings.Cut(rest, ":")
		if !validHostName(host) {
			return origin{}, false
		}
		if ip, err := netip.ParseAddr(host); err == nil {
			o.ip = ip // dotted IPv4: no colon got this far
		} else {
			o.name = host
		}
	}
	o.port = defaultPort(scheme)
	if hasPort {
		if o.port, ok = parsePort(port); !ok {
			return origin{}, false
		}
	}
	return o, true
}

func (a origin) equal(b origin) bool {
	return a.port == b.port && a.ip == b.ip &&
		strings.EqualFold(a.scheme, b.scheme) && strings.EqualFold(a.name, b.name)
}

// String serialises a as a browser would (RFC 6454 §6.2): lower case, the
// default port left out.
func (a origin) String() string {
	host := a.name
	if a.ip.Is6() {
		host = "[" + a.ip.String() + "]"
	} else if a.ip.IsValid() {
		host = a.ip.String()
	}
	s := strings.ToLower(a.scheme) + "://" + strings.ToLower(host)
	if a.port != defaultPort(a.scheme) {
		s += ":" + strconv.Itoa(int(a.port))
	}
	return s
}

// defaultPort is the port an origin without one means (RFC 6454 §4): 80
// for http, 443 for https (RFC 9110 §4.2), none for other schemes.
func defaultPort(scheme string) uint16 {
	switch strings.ToLower(scheme) {
	case "http":
		return 80
	case "https":
		return 443
	}
	return 0
}

// parsePort parses a port from 1 to 65535, digits only.
func parsePort(s string) (uint16, bool) {
	if s == "" || len(s) > 5 || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0, false
	}
	return uint16(n), true
}

// validScheme reports whether s is a URI scheme (RFC 3986 §3.1):
// ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
func validScheme(s string) bool {
	for i, c := range []byte(s) {
		letter := 'a' <= c|0x20 && c|0x20 <= 'z'
		if !letter && (i == 0 || !('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return s != ""
}

// validHostName reports whether s is a host name or dotted IPv4 address
// made of the characters a browser serialises one with: letters, digits,
// '-', '.' and '_' (international names travel in punycode, RFC 3492).
func validHostName(s string) bool {
	for _, c := range []byte(s) {
		if !('a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return s != ""
}
