package chat

import "net/http"

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
// handshake.ByAddr keeps one rule per address the server is reached at.
func (s *Server) checkOrigin(r *http.Request) bool { return s.origins.Check(r) }
