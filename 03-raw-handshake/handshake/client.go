package handshake

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
)

// ClientRequest describes the handshake request a client sends (RFC 6455
// §4.1).
type ClientRequest struct {
	Host         string   // Host header: "127.0.0.1:8003"
	Target       string   // path and query: "/ws"; "" means "/"
	Origin       string   // Origin header, "" for none (browsers always send one)
	Subprotocols []string // offered, in the client's order of preference
	Key          string   // Sec-WebSocket-Key; "" makes ClientHandshake pick one with NewKey
}

// WriteRequest writes the client's handshake request in one Write:
//
//	GET /ws HTTP/1.1
//	Host: 127.0.0.1:8003
//	Upgrade: websocket
//	Connection: Upgrade
//	Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==
//	Sec-WebSocket-Version: 13
//	Origin: http://127.0.0.1:8003          (when set)
//	Sec-WebSocket-Protocol: chat, superchat (when any are offered)
func WriteRequest(w io.Writer, c ClientRequest) error {
	target := c.Target
	if target == "" {
		target = "/"
	}
	if c.Host == "" || !validKey(c.Key) || !validTarget(target) {
		return fmt.Errorf("handshake: client request needs a Host, a target and a 16-byte key")
	}
	for _, p := range c.Subprotocols {
		if !isToken(p) { // §4.1: each element a token, so the list parses
			return fmt.Errorf("handshake: subprotocol %q is not a token", p)
		}
	}
	var b strings.Builder
	b.WriteString("GET " + target + " HTTP/1.1\r\n")
	b.WriteString("Host: " + c.Host + "\r\n")
	b.WriteString("Upgrade: websocket\r\n")
	b.WriteString("Connection: Upgrade\r\n")
	b.WriteString("Sec-WebSocket-Key: " + c.Key + "\r\n")
	b.WriteString("Sec-WebSocket-Version: 13\r\n")
	if c.Origin != "" {
		b.WriteString("Origin: " + c.Origin + "\r\n")
	}
	if len(c.Subprotocols) > 0 {
		b.WriteString("Sec-WebSocket-Protocol: " + strings.Join(c.Subprotocols, ", ") + "\r\n")
	}
	b.WriteString("\r\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// Response is an HTTP/1.1 response head, as read by ReadResponse.
type Response struct {
	Proto  string // "HTTP/1.1"
	Status int    // 101
	Reason string // "Switching Protocols"
	Header        // the header fields, in arrival order
}

// ErrBadResponse is wrapped by every error about what the server answered.
var ErrBadResponse = errors.New("handshake: bad server response")

// ReadResponse reads one response head from br, up to and including the
// blank line, and no further: the bytes after it (the server's first frame)
// stay in br. The size limit is MaxHeaderBytes; the caller sets the deadline.
func ReadResponse(br *bufio.Reader) (*Response, error) {
	budget := MaxHeaderBytes
	line, err := readLine(br, &budget)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadResponse, err)
	}
	// status-line = HTTP-version SP status-code SP [ reason-phrase ]
	proto, rest, _ := strings.Cut(line, " ")
	code, reason, _ := strings.Cut(rest, " ")
	status, ok := atoi(code)
	if _, _, vok := parseVersion(proto); !vok || !ok || len(code) != 3 {
		return nil, fmt.Errorf("%w: malformed status line %q", ErrBadResponse, line)
	}
	h, err := readFields(br, &budget)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadResponse, err)
	}
	return &Response{Proto: proto, Status: status, Reason: reason, Header: h}, nil
}

// CheckResponse checks the server's answer to the request c, as a client
// MUST (RFC 6455 §4.1, "the client MUST validate the server's response"):
// status 101, Upgrade "websocket", Connection containing "Upgrade", the
// Sec-WebSocket-Accept computed from c.Key, no extension the client did not
// ask for, and at most one subprotocol, which the client offered. It returns
// the subprotocol the server chose, or "".
func CheckResponse(resp *Response, c ClientRequest) (string, error) {
	if resp.Status != 101 {
		return "", fmt.Errorf("%w: status %d %s, want 101", ErrBadResponse, resp.Status, resp.Reason)
	}
	if up := resp.Values("Upgrade"); len(up) != 1 || !strings.EqualFold(up[0], "websocket") {
		return "", fmt.Errorf("%w: Upgrade is %q, want websocket", ErrBadResponse, resp.Get("Upgrade"))
	}
	if !resp.HasToken("Connection", "Upgrade") {
		return "", fmt.Errorf("%w: Connection %q lacks Upgrade", ErrBadResponse, resp.Get("Connection"))
	}
	if got, want := resp.Values("Sec-WebSocket-Accept"), AcceptKey(c.Key); len(got) != 1 || got[0] != want {
		return "", fmt.Errorf("%w: Sec-WebSocket-Accept %q, want %q", ErrBadResponse, resp.Get("Sec-WebSocket-Accept"), want)
	}
	if ext := resp.List("Sec-WebSocket-Extensions"); len(ext) > 0 {
		return "", fmt.Errorf("%w: extension %q was not requested", ErrBadResponse, ext[0])
	}
	protos := resp.List("Sec-WebSocket-Protocol")
	switch {
	case len(protos) == 0:
		return "", nil
	case len(protos) > 1:
		return "", fmt.Errorf("%w: several subprotocols chosen: %q", ErrBadResponse, protos)
	}
	for _, offered := range c.Subprotocols {
		if protos[0] == offered {
			return offered, nil
		}
	}
	return "", fmt.Errorf("%w: subprotocol %q was not offered", ErrBadResponse, protos[0])
}

// ClientHandshake runs the client side of the handshake on conn: it writes
// the request (with a fresh key when c.Key is empty), reads the response
// from br and checks it. It returns the response and the chosen subprotocol.
// On success conn and br carry frames; br may already hold the server's
// first one. The caller sets any deadline on conn beforehand.
func ClientHandshake(conn net.Conn, br *bufio.Reader, c ClientRequest) (*Response, string, error) {
	if c.Key == "" {
		c.Key = NewKey()
	}
	if err := WriteRequest(conn, c); err != nil {
		return nil, "", err
	}
	resp, err := ReadResponse(br)
	if err != nil {
		return nil, "", err
	}
	proto, err := CheckResponse(resp, c)
	return resp, proto, err
}
