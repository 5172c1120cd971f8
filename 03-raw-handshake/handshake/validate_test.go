package handshake

import (
	"bufio"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// validRequest is a correct handshake from a page served by
// http://example.com:8003, the host the request is addressed to.
const validRequest = "GET /ws HTTP/1.1\r\n" +
	"Host: example.com:8003\r\n" +
	"Upgrade: websocket\r\n" +
	"Connection: Upgrade\r\n" +
	"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
	"Sec-WebSocket-Version: 13\r\n" +
	"Origin: http://example.com:8003\r\n" +
	"\r\n"

// edit returns validRequest with the field line starting with old replaced
// by repl ("" removes it).
func edit(old, repl string) string {
	var b strings.Builder
	for line := range strings.SplitAfterSeq(validRequest, "\r\n") {
		if strings.HasPrefix(line, old) {
			if repl != "" {
				b.WriteString(repl + "\r\n")
			}
			continue
		}
		b.WriteString(line)
	}
	return b.String()
}

// lowerNames lower-cases every header field name of raw, leaving values.
func lowerNames(raw string) string {
	var b strings.Builder
	for line := range strings.SplitAfterSeq(raw, "\r\n") {
		if name, value, ok := strings.Cut(line, ":"); ok {
			line = strings.ToLower(name) + ":" + value
		}
		b.WriteString(line)
	}
	return b.String()
}

// outcome is what a test compares: the acceptance, or the error's status,
// reason and extra header fields.
type outcome struct {
	Accepted Accepted
	Status   int
	Reason   string
	Header   []Field
}

func validate(t *testing.T, raw string, cfg Config) outcome {
	t.Helper()
	req, err := ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		t.Fatalf("ReadRequest(%q): %v", raw, err)
	}
	acc, err := Validate(req, cfg)
	if err == nil {
		return outcome{Accepted: acc}
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Validate error %v is not an *Error", err)
	}
	return outcome{Status: e.Status, Reason: e.Reason, Header: e.Header}
}

func TestValidate(t *testing.T) {
	ok := outcome{Accepted: Accepted{Accept: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="}}
	bad := func(reason string) outcome { return outcome{Status: 400, Reason: reason} }
	forbidden := outcome{Status: 403, Reason: "origin not allowed"}
	version := outcome{Status: 426, Reason: "only Sec-WebSocket-Version 13 is supported",
		Header: []Field{{"Sec-WebSocket-Version", "13"}}}
	// own is the policy of the server validRequest is sent to.
	own := Config{Origins: mustOrigins(t, []string{"example.com:8003"})}
	allowing := func(allow ...string) Config {
		return Config{Origins: mustOrigins(t, []string{"example.com:8003"}, allow...)}
	}
	tests := []struct {
		name string
		raw  string
		cfg  Config
		want outcome
	}{
		{"valid", validRequest, own, ok},
		{"header names in any case", lowerNames(validRequest), own, ok},
		{"methods are case-sensitive", "get" + validRequest[3:], own, outcome{
			Status: 405, Reason: "a WebSocket handshake must use GET", Header: []Field{{"Allow", "GET"}}}},
		{"lower-case names and values", edit("Upgrade:", "upgrade: WebSocket"), own, ok},
		{"Connection in a list", edit("Connection:", "connection: keep-alive, upgrade"), own, ok},
		{"Connection repeated", edit("Connection:", "Connection: keep-alive\r\nConnection: Upgrade"), own, ok},
		{"no Origin (not a browser)", edit("Origin:", ""), own, ok},
		{"POST", "POST" + validRequest[3:], own, outcome{
			Status: 405, Reason: "a WebSocket handshake must use GET", Header: []Field{{"Allow", "GET"}}}},
		{"HTTP/1.0", strings.Replace(validRequest, "HTTP/1.1", "HTTP/1.0", 1), own,
			bad("a WebSocket handshake needs HTTP/1.1 or later")},
		{"no Host", edit("Host:", ""), own, bad("exactly one non-empty Host header required")},
		{"two Hosts", edit("Host:", "Host: a\r\nHost: b"), own, bad("exactly one non-empty Host header required")},
		{"a body", edit("Origin:", "Content-Length: 5"), own, bad("a WebSocket handshake has no body")},
		{"no Upgrade", edit("Upgrade:", ""), own, bad(`Upgrade header must contain "websocket"`)},
		{"Upgrade: h2c", edit("Upgrade:", "Upgrade: h2c"), own, bad(`Upgrade header must contain "websocket"`)},
		{"no Connection", edit("Connection:", ""), own, bad(`Connection header must contain "Upgrade"`)},
		{"Connection: close", edit("Connection:", "Connection: close"), own, bad(`Connection header must contain "Upgrade"`)},
		{"no version", edit("Sec-WebSocket-Version:", ""), own, version},
		{"version 8", edit("Sec-WebSocket-Version:", "Sec-WebSocket-Version: 8"), own, version},
		{"no key", edit("Sec-WebSocket-Key:", ""), own, bad("Sec-WebSocket-Key must be base64 of 16 bytes")},
		{"key of 15 bytes", edit("Sec-WebSocket-Key:", "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAA"), own,
			bad("Sec-WebSocket-Key must be base64 of 16 bytes")},
		{"key not base64", edit("Sec-WebSocket-Key:", "Sec-WebSocket-Key: !!!!!!!!!!!!!!!!!!!!!!=="), own,
			bad("Sec-WebSocket-Key must be base64 of 16 bytes")},
		{"two keys", edit("Sec-WebSocket-Key:", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="),
			own, bad("Sec-WebSocket-Key must be base64 of 16 bytes")},
		{"foreign origin", edit("Origin:", "Origin: http://evil.example"), own, forbidden},
		{"other port is another origin", edit("Origin:", "Origin: http://example.com:9999"), own, forbidden},
		{"null origin", edit("Origin:", "Origin: null"), own, forbidden},
		{"origin with user info is no browser's", edit("Origin:", "Origin: http://evil@example.com:8003"), own, forbidden},
		{"origin with a path is no browser's", edit("Origin:", "Origin: http://example.com:8003/evil"), own, forbidden},
		{"origin without a scheme", edit("Origin:", "Origin: example.com:8003"), own, forbidden},
		{"origin host in another case", edit("Origin:", "Origin: HTTP://EXAMPLE.com:8003"), own, ok},
		{"two Origins", edit("Origin:", "Origin: http://example.com:8003\r\nOrigin: http://example.com:8003"), own, forbidden},
		{"OWS around values", edit("Upgrade:", "Upgrade: \t websocket \t"), own, ok},
		{"Upgrade in a list", edit("Upgrade:", "Upgrade: h2c, WebSocket"), own, ok},
		{"Upgrade token must be whole", edit("Upgrade:", "Upgrade: websockets"), own, bad(`Upgrade header must contain "websocket"`)},
		{"Connection token must be whole", edit("Connection:", "Connection: Upgraded"), own, bad(`Connection header must contain "Upgrade"`)},
		{"HTTP/1.2 is later than 1.1", strings.Replace(validRequest, "HTTP/1.1", "HTTP/1.2", 1), own, ok},
		{"version 13 twice", edit("Sec-WebSocket-Version:", "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Version: 13"), own, version},
		{"key of 17 bytes", edit("Sec-WebSocket-Key:", "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAAA="), own,
			bad("Sec-WebSocket-Key must be base64 of 16 bytes")},
		{"key with non-zero padding bits", edit("Sec-WebSocket-Key:", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZR=="), own,
			bad("Sec-WebSocket-Key must be base64 of 16 bytes")},
		{"key in URL-safe base64", edit("Sec-WebSocket-Key:", "Sec-WebSocket-Key: _-_-_-_-_-_-_-_-_-_-_w=="), own,
			bad("Sec-WebSocket-Key must be base64 of 16 bytes")},
		{"PUT", "PUT" + validRequest[3:], own, outcome{
			Status: 405, Reason: "a WebSocket handshake must use GET", Header: []Field{{"Allow", "GET"}}}},
		{"origin on the allow-list", edit("Origin:", "Origin: https://app.example"), allowing("https://app.example"), ok},
		{"allow-list in another case", edit("Origin:", "Origin: https://App.Example:8443"), allowing("https://app.example:8443"), ok},
		{"allow-list scheme must match", edit("Origin:", "Origin: http://app.example"), allowing("https://app.example"), forbidden},
		{"allow all", edit("Origin:", "Origin: http://evil.example"), allowing("*"), ok},
		{"allow all, null too", edit("Origin:", "Origin: null"), allowing("*"), ok},
		{"DNS rebinding: Origin equals Host, which the attacker chose",
			strings.ReplaceAll(validRequest, "example.com:8003", "evil.example:8003"), own, forbidden},
		{"Host is not what makes an origin ours", edit("Host:", "Host: evil.example:8003"), own, ok},
		{"no policy: no browser page", validRequest, Config{}, forbidden},
		{"no policy: a client without Origin", edit("Origin:", ""), Config{}, ok},
		{"subprotocol: server preference wins", edit("Origin:", "Sec-WebSocket-Protocol: v1.chat, v2.chat"),
			Config{Subprotocols: []string{"v2.chat", "v1.chat"}},
			outcome{Accepted: Accepted{Accept: ok.Accepted.Accept, Subprotocol: "v2.chat"}}},
		{"subprotocol: repeated fields form one list", edit("Origin:", "Sec-WebSocket-Protocol: a\r\nSec-WebSocket-Protocol: b"),
			Config{Subprotocols: []string{"b"}}, outcome{Accepted: Accepted{Accept: ok.Accepted.Accept, Subprotocol: "b"}}},
		{"subprotocol: none in common, none chosen", edit("Origin:", "Sec-WebSocket-Protocol: mqtt"),
			Config{Subprotocols: []string{"chat"}}, ok},
		{"subprotocol: never echoed when the server has none", edit("Origin:", "Sec-WebSocket-Protocol: chat"), own, ok},
		{"subprotocol: case-sensitive", edit("Origin:", "Sec-WebSocket-Protocol: Chat"),
			Config{Subprotocols: []string{"chat"}}, ok},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := validate(t, tt.raw, tt.cfg)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("outcome (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRequestPath checks Path and Query on the request-target forms of RFC
// 9112 §3.2.
func TestRequestPath(t *testing.T) {
	type pq struct{ Path, Query string }
	tests := map[string]pq{
		"/ws":                            {"/ws", ""},
		"/ws?room=a&b":                   {"/ws", "room=a&b"},
		"/":                              {"/", ""},
		"http://example.com:8003/ws?x=1": {"/ws", "x=1"},
		"HTTP://example.com":             {"/", ""},
		"http://example.com?x":           {"/", "x"},
		"*":                              {"*", ""},
		"/a://b":                         {"/a://b", ""},
	}
	for target, want := range tests {
		r := &Request{Target: target}
		if diff := cmp.Diff(want, pq{r.Path(), r.Query()}); diff != "" {
			t.Errorf("target %q (-want +got):\n%s", target, diff)
		}
	}
}
