package handshake

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The fuzz tests feed the parsers whatever bytes a client (or a server)
// could send, and check what must hold for every input: no panic, a bounded
// amount read, an answer with a status this package promises, and answers
// that our own client side accepts. `go test` replays the seeds below and
// the inputs kept in testdata/fuzz/FuzzX/; `go test -fuzz FuzzX` searches
// for more.

// seedRequests are handshakes and near-handshakes to start the search from.
var seedRequests = []string{
	validRequest,
	lowerNames(validRequest),
	"GET /ws HTTP/1.1\nHost: h\nUpgrade: websocket\nConnection: keep-alive, Upgrade\n" +
		"Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\nSec-WebSocket-Version: 13\n" +
		"Sec-WebSocket-Protocol: chat, superchat\nSec-WebSocket-Protocol: v2\n\n",
	"\r\n\r\nGET / HTTP/1.0\r\n\r\n",
	"POST /ws HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc",
	"GET http://h:8003/ws?x HTTP/1.1\r\nHost: h:8003\r\nOrigin: http://h:8003\r\n\r\n",
	"GET / HTTP/1.1\r\nX-A: one\r\n two\r\n\r\n",
	"GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n",
	"GET / HTTP/2.0\r\n\r\n",
	"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
	validRequest + "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58",
}

// requestStatuses are the statuses ReadRequest may answer with.
var requestStatuses = []int{400, 408, 431, 505}

// FuzzReadRequest checks the request reader on arbitrary bytes.
func FuzzReadRequest(f *testing.F) {
	for _, s := range seedRequests {
		f.Add([]byte(s))
	}
	f.Add([]byte("GET /" + strings.Repeat("a", MaxHeaderBytes)))
	f.Fuzz(func(t *testing.T, data []byte) {
		br := bufio.NewReader(bytes.NewReader(data))
		req, err := ReadRequest(br)
		if err != nil {
			e := checkError(t, err, requestStatuses)
			if e.Status == 431 && len(data) <= MaxHeaderBytes {
				t.Errorf("431 for an input of only %d bytes", len(data))
			}
			return
		}
		rest, _ := io.ReadAll(br)
		head := data[:len(data)-len(rest)]
		// Bounded: a request is never more than the limit, and the reader
		// stops right after the blank line, leaving what follows in br.
		if len(head) > MaxHeaderBytes {
			t.Errorf("accepted a head of %d bytes, over the %d limit", len(head), MaxHeaderBytes)
		}
		if !bytes.HasSuffix(head, []byte("\n\n")) && !bytes.HasSuffix(head, []byte("\n\r\n")) {
			t.Errorf("the head read does not end with a blank line: %q", tail(head))
		}
		checkWellFormed(t, req)
		// Written back in wire form, the request reads the same: the reader
		// kept everything it accepted, and nothing it should not have.
		if wire := req.String(); len(wire) <= MaxHeaderBytes {
			again, err := ReadRequest(bufio.NewReader(strings.NewReader(wire)))
			if err != nil {
				t.Fatalf("re-reading %q: %v", wire, err)
			}
			if diff := cmp.Diff(req, again); diff != "" {
				t.Errorf("request read twice (-first +second):\n%s", diff)
			}
		}
	})
}

// FuzzValidate checks the validation and the answers on arbitrary requests
// and origin allow lists. Every request it accepts must be one RFC 6455 §4.2.1 allows,
// and its 101 must pass our client's check (§4.1); every refusal must be
// one of the documented statuses, with the header it calls for.
func FuzzValidate(f *testing.F) {
	for _, s := range seedRequests {
		f.Add(s, "", "")
		f.Add(s, "chat,v2", "https://app.example")
	}
	f.Add(edit("Origin:", "Sec-WebSocket-Protocol: v1, v2"), "v2,v1", "*")
	f.Add(edit("Origin:", "Origin: http://evil@example.com:8003"), "", "http://example.com:8003")
	f.Add(strings.ReplaceAll(validRequest, "example.com:8003", "evil.example"), "", "") // DNS rebinding: Origin equals Host
	f.Fuzz(func(t *testing.T, raw, supported, origins string) {
		req, err := ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if err != nil {
			return // FuzzReadRequest's business
		}
		cfg := Config{Subprotocols: splitComma(supported)}
		// The server is example.com:8003, validRequest's Host; a policy
		// NewOrigins refuses leaves Validate with none.
		cfg.Origins, _ = NewOrigins([]string{"example.com:8003"}, splitComma(origins))
		acc, err := Validate(req, cfg)
		if err != nil {
			e := checkError(t, err, []int{400, 403, 405, 426})
			wantHeader := map[int][]Field{405: {{"Allow", "GET"}}, 426: {{"Sec-WebSocket-Version", "13"}}}[e.Status]
			if diff := cmp.Diff(wantHeader, e.Header); diff != "" {
				t.Errorf("extra header fields of a %d (-want +got):\n%s", e.Status, diff)
			}
			return
		}
		checkAccepted(t, req, cfg, acc)
	})
}

// checkAccepted checks an accepted handshake against §4.2.1 directly, and
// the 101 written for it against the client side.
func checkAccepted(t *testing.T, req *Request, cfg Config, acc Accepted) {
	t.Helper()
	keys := req.Values("Sec-WebSocket-Key")
	type facts struct {
		Method                      string
		HTTP11, Upgrade, Connection bool
		Hosts, Keys, KeyBytes       int
		Versions                    []string
		Accept                      string
	}
	got := facts{Method: req.Method, HTTP11: req.AtLeast(1, 1),
		Upgrade: req.HasToken("Upgrade", "websocket"), Connection: req.HasToken("Connection", "upgrade"),
		Hosts: len(req.Values("Host")), Keys: len(keys), Versions: req.Values("Sec-WebSocket-Version"),
		Accept: acc.Accept}
	want := facts{Method: "GET", HTTP11: true, Upgrade: true, Connection: true,
		Hosts: 1, Keys: 1, KeyBytes: 16, Versions: []string{"13"}}
	if len(keys) == 1 {
		raw, _ := base64.StdEncoding.DecodeString(keys[0])
		got.KeyBytes = len(raw)
		want.Accept = AcceptKey(keys[0])
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("accepted a request RFC 6455 §4.2.1 refuses (-want +got):\n%s\n%s", diff, req)
	}

	// The subprotocol is the server's first choice among those offered, or
	// none: never one the server does not speak, never one not offered.
	offered := req.List("Sec-WebSocket-Protocol")
	wantProto := ""
	for _, s := range cfg.Subprotocols {
		if slices.Contains(offered, s) {
			wantProto = s
			break
		}
	}
	if diff := cmp.Diff(wantProto, acc.Subprotocol); diff != "" {
		t.Errorf("subprotocol (-want +got):\n%s\noffered %q, supported %q", diff, offered, cfg.Subprotocols)
	}

	var wire bytes.Buffer
	if err := WriteAccepted(&wire, acc); err != nil {
		t.Fatal(err)
	}
	resp, err := ReadResponse(bufio.NewReader(&wire))
	if err != nil {
		t.Fatalf("our own 101 does not read back: %v", err)
	}
	proto, err := CheckResponse(resp, ClientRequest{Key: keys[0], Subprotocols: offered})
	if err != nil {
		t.Fatalf("our client refuses our 101: %v", err)
	}
	if proto != acc.Subprotocol {
		t.Errorf("client sees subprotocol %q, server chose %q", proto, acc.Subprotocol)
	}
}

// FuzzReadResponse checks the client side's response reader and check on
// whatever a server could answer: no panic, and nothing but a correct 101
// for the key passes CheckResponse.
func FuzzReadResponse(f *testing.F) {
	var ok bytes.Buffer
	WriteAccepted(&ok, Accepted{Accept: AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="), Subprotocol: "chat"})
	f.Add(ok.Bytes())
	f.Add([]byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n" +
		"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 101\r\n\r\n\x81\x02hi"))
	client := ClientRequest{Key: "dGhlIHNhbXBsZSBub25jZQ==", Subprotocols: []string{"chat", "superchat"}}
	f.Fuzz(func(t *testing.T, data []byte) {
		resp, err := ReadResponse(bufio.NewReader(bytes.NewReader(data)))
		if err != nil {
			if !errors.Is(err, ErrBadResponse) {
				t.Errorf("error %v does not wrap ErrBadResponse", err)
			}
			return
		}
		proto, err := CheckResponse(resp, client)
		if err != nil {
			return
		}
		type facts struct {
			Status  int
			Accept  []string
			Offered bool
		}
		got := facts{resp.Status, resp.Values("Sec-WebSocket-Accept"), proto == "" || slices.Contains(client.Subprotocols, proto)}
		want := facts{101, []string{"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="}, true}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("CheckResponse passed a wrong answer (-want +got):\n%s", diff)
		}
	})
}

// FuzzAwaitClose checks the close-frame reader on arbitrary client bytes
// (no panic, no unbounded read), and on well-formed masked frames carved
// out of the same bytes and followed by a close: that close's code comes
// back.
func FuzzAwaitClose(f *testing.F) {
	f.Add([]byte("\x88\x82\x00\x00\x00\x00\x03\xe8"), uint16(1000))
	f.Add([]byte("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"), uint16(1001))
	f.Add([]byte("\x82\xff\x7f\xff\xff\xff\xff\xff\xff\xff"), uint16(3000))
	f.Fuzz(func(t *testing.T, data []byte, code uint16) {
		AwaitClose(bytes.NewReader(data)) // must return, whatever it returns

		if len(data) > maxSkip {
			return // more than AwaitClose skips before giving up
		}
		var stream []byte
		for rest := data; len(rest) > 0; {
			n := min(int(rest[0])%(MaxShortPayload+1), len(rest)-1)
			stream = appendMasked(stream, 0x82, rest[1:1+n]) // a binary frame
			rest = rest[1+n:]
		}
		stream = appendMasked(stream, 0x88, binary.BigEndian.AppendUint16(nil, code))
		got, err := AwaitClose(bytes.NewReader(stream))
		if err != nil {
			t.Fatalf("AwaitClose on well-formed frames: %v", err)
		}
		if got != code {
			t.Errorf("close code %d, want %d", got, code)
		}
	})
}

// appendMasked appends a final frame with opcode byte b0 and a masked
// payload of at most 125 bytes, as a client sends it (§5.2, §5.3).
func appendMasked(dst []byte, b0 byte, payload []byte) []byte {
	key := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	dst = append(dst, b0, 0x80|byte(len(payload)))
	dst = append(dst, key[:]...)
	for i, c := range payload {
		dst = append(dst, c^key[i%4])
	}
	return dst
}

// checkError checks an error from the server side: an *Error with one of
// the allowed statuses and a short one-line reason, whose response reads
// back with the same status.
func checkError(t *testing.T, err error, allowed []int) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not an *Error", err)
	}
	if !slices.Contains(allowed, e.Status) {
		t.Errorf("status %d, want one of %v: %v", e.Status, allowed, err)
	}
	if e.Reason == "" || len(e.Reason) > 120 || strings.ContainsAny(e.Reason, "\r\n") {
		t.Errorf("reason %q is not one short line", e.Reason)
	}
	var wire bytes.Buffer
	if err := WriteError(&wire, err); err != nil {
		t.Fatal(err)
	}
	resp, rerr := ReadResponse(bufio.NewReader(&wire))
	if rerr != nil {
		t.Fatalf("the %d response does not read back: %v\n%s", e.Status, rerr, wire.String())
	}
	if resp.Status != e.Status || resp.Get("Connection") != "close" {
		t.Errorf("response reads back as %d, Connection %q; want %d, close", resp.Status, resp.Get("Connection"), e.Status)
	}
	return e
}

// checkWellFormed checks what ReadRequest promises about a request it
// accepted (RFC 9112 §3, §5).
func checkWellFormed(t *testing.T, r *Request) {
	t.Helper()
	if !isToken(r.Method) || !validTarget(r.Target) || r.Major != 1 {
		t.Errorf("accepted a malformed request line: %q %q %q", r.Method, r.Target, r.Proto)
	}
	for _, f := range r.Header {
		if !isToken(f.Name) || !validFieldValue(f.Value) || strings.Trim(f.Value, " \t") != f.Value {
			t.Errorf("accepted a malformed field %q: %q", f.Name, f.Value)
		}
	}
}

func splitComma(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// tail returns the last bytes of b, for error messages.
func tail(b []byte) []byte {
	return b[max(0, len(b)-40):]
}
