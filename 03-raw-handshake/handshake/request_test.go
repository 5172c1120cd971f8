package handshake

import (
	"bufio"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// status returns the HTTP status an error from this package carries, or 0.
func status(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

func TestReadRequest(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *Request
	}{{
		name: "the RFC 6455 §1.2 example",
		in: "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n" +
			"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
			"Origin: http://example.com\r\nSec-WebSocket-Protocol: chat, superchat\r\n" +
			"Sec-WebSocket-Version: 13\r\n\r\n",
		want: &Request{Method: "GET", Target: "/chat", Proto: "HTTP/1.1", Major: 1, Minor: 1, Header: Header{
			{"Host", "server.example.com"}, {"Upgrade", "websocket"}, {"Connection", "Upgrade"},
			{"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}, {"Origin", "http://example.com"},
			{"Sec-WebSocket-Protocol", "chat, superchat"}, {"Sec-WebSocket-Version", "13"},
		}},
	}, {
		name: "optional whitespace around values is not part of them",
		in:   "GET / HTTP/1.1\r\nHost:example.com\r\nX-A: \t spaced \t \r\nX-Empty:\r\n\r\n",
		want: &Request{Method: "GET", Target: "/", Proto: "HTTP/1.1", Major: 1, Minor: 1, Header: Header{
			{"Host", "example.com"}, {"X-A", "spaced"}, {"X-Empty", ""},
		}},
	}, {
		name: "bare LF line endings are accepted (RFC 9112 §2.2)",
		in:   "GET /ws?x=1 HTTP/1.1\nHost: h\n\n",
		want: &Request{Method: "GET", Target: "/ws?x=1", Proto: "HTTP/1.1", Major: 1, Minor: 1,
			Header: Header{{"Host", "h"}}},
	}, {
		name: "empty lines before the request line are ignored",
		in:   "\r\n\r\nGET / HTTP/1.0\r\n\r\n",
		want: &Request{Method: "GET", Target: "/", Proto: "HTTP/1.0", Major: 1, Minor: 0},
	}, {
		name: "repeated fields are kept apart, in order",
		in:   "GET / HTTP/1.1\r\nConnection: keep-alive\r\nHost: h\r\nconnection: Upgrade\r\n\r\n",
		want: &Request{Method: "GET", Target: "/", Proto: "HTTP/1.1", Major: 1, Minor: 1, Header: Header{
			{"Connection", "keep-alive"}, {"Host", "h"}, {"connection", "Upgrade"},
		}},
	}, {
		name: "obs-text bytes in a value are kept",
		in:   "GET / HTTP/1.1\r\nX-Name: caf\xc3\xa9\r\n\r\n",
		want: &Request{Method: "GET", Target: "/", Proto: "HTTP/1.1", Major: 1, Minor: 1,
			Header: Header{{"X-Name", "caf\xc3\xa9"}}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadRequest(bufio.NewReader(strings.NewReader(tt.in)))
			if err != nil {
				t.Fatalf("ReadRequest: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadRequestErrors(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		wantStatus int
		wantReason string
	}{
		{"no version", "GET /\r\n\r\n", 400, "malformed request line"},
		{"two spaces", "GET  / HTTP/1.1\r\n\r\n", 400, "malformed request line"},
		{"space in target", "GET /a b HTTP/1.1\r\n\r\n", 400, "malformed HTTP version"},
		{"lower-case version", "GET / http/1.1\r\n\r\n", 400, "malformed HTTP version"},
		{"bad method token", "G(T / HTTP/1.1\r\n\r\n", 400, "malformed request line"},
		{"HTTP/2.0", "GET / HTTP/2.0\r\n\r\n", 505, "only HTTP/1.x is spoken here"},
		{"field without colon", "GET / HTTP/1.1\r\nHost example.com\r\n\r\n", 400, "header line without a colon"},
		{"space before colon", "GET / HTTP/1.1\r\nHost : example.com\r\n\r\n", 400, "malformed header field name"},
		{"empty field name", "GET / HTTP/1.1\r\n: x\r\n\r\n", 400, "malformed header field name"},
		{"obs-fold", "GET / HTTP/1.1\r\nX-A: one\r\n two\r\n\r\n", 400, "obsolete line folding in header"},
		{"NUL in value", "GET / HTTP/1.1\r\nX-A: a\x00b\r\n\r\n", 400, "control character in header field X-A"},
		{"a long name is cut in the reason", "GET / HTTP/1.1\r\n" + strings.Repeat("N", 100) + ": a\x7fb\r\n\r\n", 400,
			"control character in header field " + strings.Repeat("N", 32) + "..."},
		{"bare CR in a line", "GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n", 400, "bare CR in request head"},
		{"truncated in the headers", "GET / HTTP/1.1\r\nHost: h\r\n", 400, "incomplete request"},
		{"truncated mid-line", "GET / HTTP/1.1\r\nHo", 400, "incomplete request"},
		{"nothing at all", "", 400, "incomplete request"},
		{"header over 8 KiB", "GET / HTTP/1.1\r\n" + strings.Repeat("X-Pad: "+strings.Repeat("a", 90)+"\r\n", 100) + "\r\n",
			431, "request header over 8 KiB"},
		{"too many fields", "GET / HTTP/1.1\r\n" + strings.Repeat("a:\n", MaxHeaderFields+1) + "\r\n", 431, "more than 128 header fields"},
		{"one endless line", "GET /" + strings.Repeat("a", 20000), 431, "request header over 8 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := ReadRequest(bufio.NewReader(strings.NewReader(tt.in)))
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("ReadRequest = %v, %v; want an *Error", req, err)
			}
			got := struct {
				Status int
				Reason string
			}{e.Status, e.Reason}
			want := struct {
				Status int
				Reason string
			}{tt.wantStatus, tt.wantReason}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadRequestEOF checks that a client that left before sending a byte is
// told apart (io.EOF) from one that stopped mid-request.
func TestReadRequestEOF(t *testing.T) {
	_, err := ReadRequest(bufio.NewReader(strings.NewReader("")))
	if !errors.Is(err, io.EOF) {
		t.Errorf("empty input: err = %v, want io.EOF inside", err)
	}
	_, err = ReadRequest(bufio.NewReader(strings.NewReader("GET / HTTP/1.1\r\n")))
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated input: err = %v, want io.ErrUnexpectedEOF inside", err)
	}
}

// TestReadRequestLeavesFrameBuffered checks the fix for the single-recv bug:
// a frame sent right behind the request in the same write stays in the
// reader, byte for byte.
func TestReadRequestLeavesFrameBuffered(t *testing.T) {
	head := "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n\r\n"
	frame := "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58" // RFC 6455 §5.7: masked "Hello"
	br := bufio.NewReader(strings.NewReader(head + frame))
	req, err := ReadRequest(br)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(head, req.String()); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
	rest, err := io.ReadAll(br)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]byte(frame), rest); diff != "" {
		t.Errorf("bytes after the request (-want +got):\n%s", diff)
	}
}

// TestReadRequestInPieces feeds the request a few bytes at a time, the way
// TCP may deliver it: the reader must not care where the segments end.
func TestReadRequestInPieces(t *testing.T) {
	in := "GET /ws HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n\r\n"
	pr, pw := io.Pipe()
	go func() {
		for i := 0; i < len(in); i += 3 {
			pw.Write([]byte(in[i:min(i+3, len(in))]))
		}
		pw.Close()
	}()
	req, err := ReadRequest(bufio.NewReader(pr))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, req.String()); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
}

func TestHeaderLookups(t *testing.T) {
	h := Header{
		{"Connection", "keep-alive, Upgrade"},
		{"sec-websocket-protocol", "chat"},
		{"Sec-WebSocket-Protocol", " superchat ,, v2.json "},
		{"Upgrade", "WebSocket"},
	}
	got := struct {
		Get, Missing   string
		Values, List   []string
		Upgrade, Upper bool
		WS, NoToken    bool
		Substring      bool
	}{
		Get:       h.Get("SEC-WEBSOCKET-PROTOCOL"),
		Missing:   h.Get("Host"),
		Values:    h.Values("Sec-Websocket-Protocol"),
		List:      h.List("sec-websocket-protocol"),
		Upgrade:   h.HasToken("connection", "upgrade"),
		Upper:     h.HasToken("CONNECTION", "KEEP-ALIVE"),
		WS:        h.HasToken("upgrade", "websocket"),
		NoToken:   h.HasToken("Connection", "close"),
		Substring: h.HasToken("Connection", "grade"),
	}
	want := struct {
		Get, Missing   string
		Values, List   []string
		Upgrade, Upper bool
		WS, NoToken    bool
		Substring      bool
	}{
		Get:     "chat",
		Values:  []string{"chat", " superchat ,, v2.json "},
		List:    []string{"chat", "superchat", "v2.json"},
		Upgrade: true, Upper: true, WS: true,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("lookups (-want +got):\n%s", diff)
	}
}

// TestSetReadDeadline checks the helper against a real pipe: a read on a
// connection whose client never writes ends with 408 once the deadline
// passes.
func TestSetReadDeadline(t *testing.T) {
	server, client := netPipe(t)
	defer client.Close()
	if err := SetReadDeadline(server, 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err := ReadRequest(bufio.NewReader(server))
	if diff := cmp.Diff(408, status(err)); diff != "" {
		t.Errorf("status after the deadline (-want +got):\n%s\nerr: %v", diff, err)
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Errorf("the read waited %v, far past its 50ms deadline", waited)
	}
}

// endless is a reader that never ends: the same bytes, again and again.
type endless struct {
	pattern []byte
	read    int
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = e.pattern[(e.read+i)%len(e.pattern)]
	}
	e.read += len(p)
	return len(p), nil
}

// TestReadRequestBounded checks that a client sending without end makes the
// reader stop at the limit: it reads at most MaxHeaderBytes plus one buffer
// from the connection, allocates a bounded amount, and answers 431.
func TestReadRequestBounded(t *testing.T) {
	tests := map[string]struct{ prefix, repeat string }{
		"one endless line":      {"", "a"},
		"endless empty lines":   {"", "\r\n"},
		"endless obs-text line": {"", "\xff"},
		"endless request line":  {"GET /", "a"},
		"endless short fields":  {"GET / HTTP/1.1\r\n", "X-A: b\r\n"},
		"endless field value":   {"GET / HTTP/1.1\r\nX: ", "v"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			src := &endless{pattern: []byte(tt.repeat)}
			r := io.MultiReader(strings.NewReader(tt.prefix), src)
			br := bufio.NewReader(r)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := ReadRequest(br)
			runtime.ReadMemStats(&after)
			type bound struct {
				Status         int
				ReadWithin     bool
				AllocatedBelow bool
			}
			got := bound{status(err), len(tt.prefix)+src.read <= MaxHeaderBytes+br.Size(), after.TotalAlloc-before.TotalAlloc < 64<<10}
			want := bound{431, true, true}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s\nread %d bytes, allocated %d bytes", diff, src.read, after.TotalAlloc-before.TotalAlloc)
			}
		})
	}
}
