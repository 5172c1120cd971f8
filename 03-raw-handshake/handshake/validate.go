package handshake

import "time"

// Config is a server's handshake policy.
type Config struct {
	// Origins says which web pages may open a WebSocket here: the pages
	// the server serves itself, an allow list, or any (see Origins). Build
	// it from the listener, OriginsFor(ln.Addr(), allow...); chapter 03's
	// and 04's servers do that themselves when it is nil. For Validate, nil
	// allows only clients that send no Origin: not knowing where it is
	// served, a server cannot tell its own pages from anyone else's.
	Origins *Origins

	// Subprotocols are the application protocols the server speaks, in the
	// server's order of preference. The first of these the client offers is
	// chosen; if none, the connection is accepted without a subprotocol and
	// the client decides whether that is acceptable (RFC 6455 §4.2.2).
	Subprotocols []string

	// Timeout bounds reading the request and writing the answer in Upgrade.
	// Zero means DefaultTimeout.
	Timeout time.Duration
}

// DefaultTimeout is how long Upgrade waits for a whole request head.
const DefaultTimeout = 10 * time.Second

// Accepted is the outcome of a valid handshake: what goes into the 101.
type Accepted struct {
	Accept      string // Sec-WebSocket-Accept: AcceptKey of the client's key
	Subprotocol string // chosen Sec-WebSocket-Protocol, or "" for none
}

// Validate checks a request against RFC 6455 §4.2.1 and the policy in cfg.
// It returns what to put in the 101 response, or an *Error with the status
// and reason to answer instead:
//
//	405 + Allow: GET                  the method is not GET
//	400                               HTTP/1.0; no Host, or several; a body;
//	                                  Upgrade without the token "websocket";
//	                                  Connection without the token "Upgrade";
//	                                  a Sec-WebSocket-Key that is not base64
//	                                  of exactly 16 bytes, or several keys
//	426 + Sec-WebSocket-Version: 13   a version other than 13, or none
//	403                               an Origin the policy does not allow
//
// The checks run in that order, so a request with several faults gets the
// status of the first.
func Validate(r *Request, cfg Config) (Accepted, error) {
	if r.Method != "GET" {
		return Accepted{}, &Error{Status: 405, Reason: "a WebSocket handshake must use GET",
			Header: []Field{{"Allow", "GET"}}}
	}
	if !r.AtLeast(1, 1) {
		return Accepted{}, badRequest("a WebSocket handshake needs HTTP/1.1 or later")
	}
	if host, n := r.only("Host"); n != 1 || host == "" {
		// RFC 9112 §3.2: missing, empty or repeated Host is a 400.
		return Accepted{}, badRequest("exactly one non-empty Host header required")
	}
	if cl := r.Get("Content-Length"); (cl != "" && cl != "0") || r.has("Transfer-Encoding") {
		// A body would be taken for the first WebSocket frame.
		return Accepted{}, badRequest("a WebSocket handshake has no body")
	}
	if !r.HasToken("Upgrade", "websocket") {
		return Accepted{}, badRequest(`Upgrade header must contain "websocket"`)
	}
	if !r.HasToken("Connection", "Upgrade") {
		return Accepted{}, badRequest(`Connection header must contain "Upgrade"`)
	}
	if v, _ := r.only("Sec-WebSocket-Version"); v != "13" {
		// §4.2.2: answer with the versions we do speak, so a client that
		// speaks several can retry with one of them.
		return Accepted{}, &Error{Status: 426, Reason: "only Sec-WebSocket-Version 13 is supported",
			Header: []Field{{"Sec-WebSocket-Version", "13"}}}
	}
	key, _ := r.only("Sec-WebSocket-Key")
	if !validKey(key) {
		return Accepted{}, badRequest("Sec-WebSocket-Key must be base64 of 16 bytes")
	}
	if !originAllowed(r, cfg.Origins) {
		return Accepted{}, &Error{Status: 403, Reason: "origin not allowed"}
	}
	return Accepted{
		Accept:      AcceptKey(key),
		Subprotocol: chooseSubprotocol(r.List("Sec-WebSocket-Protocol"), cfg.Subprotocols),
	}, nil
}

// IsUpgrade reports whether r asks to become a WebSocket (its Upgrade header
// contains "websocket"), so a server on one port can tell a page request
// from a handshake before validating it.
func IsUpgrade(r *Request) bool {
	return r.HasToken("Upgrade", "websocket")
}

// chooseSubprotocol picks the server's most preferred subprotocol that the
// client offered. It never echoes the client's list: answering with a
// protocol the server does not speak would make the client believe a
// conversation is possible that is not (§4.2.2 step 5.4, /subprotocol/).
// Subprotocol names are compared case-sensitively (§4.1, §11.5).
func chooseSubprotocol(offered, supported []string) string {
	for _, s := range supported {
		for _, o := range offered {
			if o == s {
				return s
			}
		}
	}
	return ""
}

// originAllowed applies the origin policy (RFC 6455 §4.2.1 item 7, §10.2)
// to r's Origin header; Origins holds the rule and says why it is the rule.
//
// Browsers always send Origin on a WebSocket handshake, and a page cannot
// forge it. Without this check any web site a user visits can open a
// WebSocket to this server with the user's cookies: cross-site WebSocket
// hijacking. A request without Origin comes from a non-browser client, which
// could send any Origin it likes anyway (§10.1), so it is allowed. The Host
// header is not consulted: under DNS rebinding it is the attacker's name.
func originAllowed(r *Request, o *Origins) bool {
	origin, n := r.only("Origin")
	if n == 0 {
		return true
	}
	if n > 1 {
		return false // a browser sends one (RFC 6455 §4.1 item 8)
	}
	if origin == "null" {
		// An opaque origin (RFC 6454 §6.2): a sandboxed iframe, a file://
		// page. Any site can give its page one, so no list can name it.
		return o.allowsAny()
	}
	return o.Allowed(origin)
}
