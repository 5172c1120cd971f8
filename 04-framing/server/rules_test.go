package server

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"example.com/wswalk/04-framing/frame"
)

// TestRules sends /echo every kind of frame RFC 6455 §5 and §7 allow or
// forbid, byte by byte, and checks every frame the server sends back until
// it closes the TCP connection: the echo, the pong, and the close frame
// with the code the rule requires.
func TestRules(t *testing.T) {
	t.Parallel()
	_, addr := start(t, Config{MaxMessage: 1 << 10})
	const (
		text   = frame.OpText
		binary = frame.OpBinary
		cont   = frame.OpContinuation
		ping   = frame.OpPing
		pong   = frame.OpPong
		closed = frame.OpClose
	)
	bye := clientFrame(true, closed, "\x03\xe8") // 1000, no reason
	tests := []struct {
		name string
		send [][]byte
		want []got
	}{
		// What must work.
		{"text echoed", [][]byte{clientFrame(true, text, "Hello"), bye},
			[]got{{Op: text, Fin: true, Payload: "Hello"}, closeFrame(frame.CloseNormal)}},
		{"binary echoed", [][]byte{clientFrame(true, binary, "\x00\xff\x80"), bye},
			[]got{{Op: binary, Fin: true, Payload: "\x00\xff\x80"}, closeFrame(frame.CloseNormal)}},
		{"empty text echoed", [][]byte{clientFrame(true, text, ""), bye},
			[]got{{Op: text, Fin: true, Payload: ""}, closeFrame(frame.CloseNormal)}},
		{"fragments joined", [][]byte{clientFrame(false, text, "Hel"), clientFrame(false, cont, "l"), clientFrame(true, cont, "o"), bye},
			[]got{{Op: text, Fin: true, Payload: "Hello"}, closeFrame(frame.CloseNormal)}},
		{"code point split across fragments", [][]byte{clientFrame(false, text, "\xce\xba\xe1"), clientFrame(true, cont, "\xbd\xb9"), bye},
			[]got{{Op: text, Fin: true, Payload: "κό"}, closeFrame(frame.CloseNormal)}},
		{"ping answered with its payload", [][]byte{clientFrame(true, ping, "are you there?"), bye},
			[]got{{Op: pong, Fin: true, Payload: "are you there?"}, closeFrame(frame.CloseNormal)}},
		{"ping of 125 bytes", [][]byte{clientFrame(true, ping, strings.Repeat("p", 125)), bye},
			[]got{{Op: pong, Fin: true, Payload: strings.Repeat("p", 125)}, closeFrame(frame.CloseNormal)}},
		{"ping between fragments answered at once", [][]byte{clientFrame(false, text, "Hel"), clientFrame(true, ping, "p"), clientFrame(true, cont, "lo"), bye},
			[]got{{Op: pong, Fin: true, Payload: "p"}, {Op: text, Fin: true, Payload: "Hello"}, closeFrame(frame.CloseNormal)}},
		{"unsolicited pong ignored", [][]byte{clientFrame(true, pong, "x"), clientFrame(true, text, "a"), bye},
			[]got{{Op: text, Fin: true, Payload: "a"}, closeFrame(frame.CloseNormal)}},
		{"message at the limit", [][]byte{clientFrame(true, binary, strings.Repeat("b", 1<<10)), bye},
			[]got{{Op: binary, Fin: true, Payload: strings.Repeat("b", 1<<10)}, closeFrame(frame.CloseNormal)}},

		// The closing handshake (§5.5.1, §7.4).
		{"close code echoed", [][]byte{clientFrame(true, closed, "\x0f\xa0going")}, // 4000
			[]got{closeFrame(4000)}},
		{"close 1001 echoed", [][]byte{clientFrame(true, closed, "\x03\xe9")},
			[]got{closeFrame(frame.CloseGoingAway)}},
		{"empty close answered empty", [][]byte{clientFrame(true, closed, "")},
			[]got{closeFrame(frame.CloseNoStatus)}},
		{"nothing after close is read", [][]byte{bye, clientFrame(true, text, "late")},
			[]got{closeFrame(frame.CloseNormal)}},
		{"close of one byte", [][]byte{clientFrame(true, closed, "\x03")},
			[]got{closeFrame(frame.CloseProtocolError)}},
		{"close code 999", [][]byte{clientFrame(true, closed, "\x03\xe7")},
			[]got{closeFrame(frame.CloseProtocolError)}},
		{"close code 1005 on the wire", [][]byte{clientFrame(true, closed, "\x03\xed")},
			[]got{closeFrame(frame.CloseProtocolError)}},
		{"close code 1016", [][]byte{clientFrame(true, closed, "\x03\xf8")},
			[]got{closeFrame(frame.CloseProtocolError)}},
		{"close code 5000", [][]byte{clientFrame(true, closed, "\x13\x88")},
			[]got{closeFrame(frame.CloseProtocolError)}},
		{"close reason not UTF-8", [][]byte{clientFrame(true, closed, "\x03\xe8\xff")},
			[]got{closeFrame(frame.CloseProtocolError)}},

		// 1002: the frames break §5.
		{"unmasked frame", [][]byte{rawFrame(frame.Header{Fin: true, Opcode: text}, "Hello")},
			[]got{closeFrame(frame.CloseProtocolError)}},
		{"RSV1 without extension", [][]byte{rawFrame(frame.Header{Fin: true, Rsv1: true, Opcode: text, Masked: true}, "x")},
			[]got{closeFrame(frame.CloseProtocolError)}},
		{"RSV2 on a ping", [][]byte{rawFrame(frame.Header{Fin: true, Rsv2: true, Opcode: ping, Masked: true}, "")},
			[]got{closeFrame(frame.CloseProtocolError)}},
		{"RSV3", [][]byte{rawFrame(frame.Header{Fin: true, Rsv3: true, Opcode: binary, Masked: true}, "")},
			[]got{closeFrame(frame.CloseProtocolError)}},
		{"reserved data opcode 0x3", [][]byte{clientFrame(true, 0x3, "")},
			[]got{closeFrame(frame.CloseProtocolError)}},
		{"reserved control opcode 0xB", [][]byte{clientFrame(true, 0xB, "")},
			[]got{closeFrame(frame.CloseProtocolError)}},
		{"ping of 126 bytes", [][]byte{clientFrame(true, ping, strings.Repeat("p", 126))},
			[]got{closeFrame(frame.CloseProtocolError)}},
		{"fragmented ping", [][]byte{clientFrame(false, ping, "p")},
			[]got{closeFrame(frame.CloseProtocolError)}},
		{"fragmented close", [][]byte{clientFrame(false, closed, "\x03\xe8")},
			[]got{closeFrame(frame.CloseProtocolError)}},
		{"continuation with nothing to continue", [][]byte{clientFrame(true, cont, "x")},
			[]got{closeFrame(frame.CloseProtocolError)}},
		{"new message inside a fragmented one", [][]byte{clientFrame(false, text, "a"), clientFrame(true, text, "b")},
			[]got{closeFrame(frame.CloseProtocolError)}},
		{"length not in its shortest form", [][]byte{{0x81, 0x80 | 126, 0x00, 0x05, 0, 0, 0, 0, 'h', 'e', 'l', 'l', 'o'}},
			[]got{closeFrame(frame.CloseProtocolError)}},
		{"64-bit length with its top bit set", [][]byte{{0x82, 0x80 | 127, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}},
			[]got{closeFrame(frame.CloseProtocolError)}},

		// 1007: text that is not UTF-8 (§8.1), found as early as possible.
		{"text not UTF-8", [][]byte{clientFrame(true, text, "caf\xe9")},
			[]got{closeFrame(frame.CloseInvalidPayload)}},
		{"surrogate in text", [][]byte{clientFrame(true, text, "\xed\xa0\x80")},
			[]got{closeFrame(frame.CloseInvalidPayload)}},
		{"text ends inside a code point", [][]byte{clientFrame(false, text, "\xce"), clientFrame(true, cont, "")},
			[]got{closeFrame(frame.CloseInvalidPayload)}},
		// The message never ends: the server must fail on the first bad
		// fragment rather than wait for the rest.
		{"bad first fragment fails fast", [][]byte{clientFrame(false, text, "ok \xff")},
			[]got{closeFrame(frame.CloseInvalidPayload)}},

		// 1009: over -max-message, refused from the header alone.
		{"frame over the limit", [][]byte{clientFrame(true, binary, strings.Repeat("b", 1<<10+1))},
			[]got{closeFrame(frame.CloseMessageTooBig)}},
		{"fragments over the limit", [][]byte{clientFrame(false, binary, strings.Repeat("b", 1000)), clientFrame(true, cont, strings.Repeat("b", 100))},
			[]got{closeFrame(frame.CloseMessageTooBig)}},
		// Announces 2^62 bytes and sends none: no allocation, no wait.
		{"huge declared length", [][]byte{{0x82, 0x80 | 127, 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}},
			[]got{closeFrame(frame.CloseMessageTooBig)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := dialRaw(t, addr, EchoPath)
			c.send(tt.send...)
			if diff := cmp.Diff(tt.want, c.readAll()); diff != "" {
				t.Errorf("frames from the server (-want +got):\n%s", diff)
			}
		})
	}
}
