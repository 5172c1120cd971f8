package chat

import (
	"net/http"
	"net/url"
	"strings"
)

// checkOrigin decides whether a browser page may open a WebSocket here.
//
// Browsers send cookies with a WebSocket handshake to any site, and the
// same-origin policy does not apply to WebSockets (RFC 6455 section 10.2):
// the Origin header is the only thing telling this server which page is
// asking. A CheckOrigin that returns true (the tutorials' check_origin)
// lets any page on the internet open the chat as its visitor, with the
// visitor's cookie: cross-site WebSocket hijacking.
//
// So: no Origin header (not a browser: curl, the tests' clients) is fine;
// the page's own origin is fine; those in Config.Origins are fine; any
// other gets 403 from the upgrader.
func (s *Server) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	for _, allowed := range s.cfg.Origins {
		if strings.EqualFold(strings.TrimSuffix(allowed, "/"), origin) {
			return true
		}
	}
	return false
}
