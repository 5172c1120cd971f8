package frame

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// client builds the frames a client sends: masked, with a fixed key so the
// bytes are reproducible.
func client(fin bool, op Opcode, payload string) []byte {
	return clientRsv(fin, 0, op, payload)
}

func clientRsv(fin bool, rsv byte, op Opcode, payload string) []byte {
	h := Header{Fin: fin, Rsv1: rsv&4 != 0, Rsv2: rsv&2 != 0, Rsv3: rsv&1 != 0,
		Opcode: op, Masked: true, Key: rfcKey, Length: int64(len(payload))}
	b := AppendHeader(nil, h)
	at := len(b)
	b = append(b, payload...)
	Mask(h.Key, 0, b[at:])
	return b
}

func join(frames ...[]byte) []byte { return bytes.Join(frames, nil) }

// event is what Next returned, in a form cmp can compare.
type event struct {
	Op      Opcode
	Payload string
	Code    CloseCode // the close code of the error, if Next failed
}

// readAll runs a server-side Reader over wire until it fails, and lists
// what it returned.
func readAll(wire []byte, max int64) []event {
	r := NewReader(bytes.NewReader(wire), true)
	r.MaxMessage = max
	var got []event
	for {
		op, p, err := r.Next()
		if err == io.EOF {
			return got
		}
		if err != nil {
			var pe *ProtocolError
			if errors.As(err, &pe) {
				return append(got, event{Code: pe.Code})
			}
			return append(got, event{Payload: err.Error()})
		}
		got = append(got, event{Op: op, Payload: string(p)})
	}
}

// Every rule of §5 a server enforces on what a client sends, with the
// close code it must fail the connection with.
func TestReaderRules(t *testing.T) {
	closePayload := func(code uint16, reason string) string {
		return string([]byte{byte(code >> 8), byte(code)}) + reason
	}
	unmasked := AppendHeader(nil, Header{Fin: true, Opcode: OpText, Length: 2})
	unmasked = append(unmasked, "hi"...)
	tests := []struct {
		name string
		wire []byte
		max  int64
		want []event
	}{
		{"text", client(true, OpText, "Hello"), 0, []event{{OpText, "Hello", 0}}},
		{"binary", client(true, OpBinary, "\x00\xff"), 0, []event{{OpBinary, "\x00\xff", 0}}},
		{"empty text", client(true, OpText, ""), 0, []event{{OpText, "", 0}}},
		{"fragmented, with ping and pong between",
			join(client(false, OpText, "Hel"), client(true, OpPing, "p"), client(false, OpContinuation, ""),
				client(true, OpPong, ""), client(true, OpContinuation, "lo")), 0,
			[]event{{OpPing, "p", 0}, {OpPong, "", 0}, {OpText, "Hello", 0}}},
		{"unmasked client frame", unmasked, 0, []event{{Code: 1002}}},
		{"RSV1 without extension", clientRsv(true, 4, OpText, "x"), 0, []event{{Code: 1002}}},
		{"RSV2 without extension", clientRsv(true, 2, OpText, "x"), 0, []event{{Code: 1002}}},
		{"RSV3 without extension", clientRsv(true, 1, OpText, "x"), 0, []event{{Code: 1002}}},
		{"RSV on a ping", clientRsv(true, 7, OpPing, ""), 0, []event{{Code: 1002}}},
		{"reserved data opcode 3", client(true, 3, ""), 0, []event{{Code: 1002}}},
		{"reserved data opcode 7", client(true, 7, ""), 0, []event{{Code: 1002}}},
		{"reserved control opcode B", client(true, 0xB, ""), 0, []event{{Code: 1002}}},
		{"reserved control opcode F", client(true, 0xF, ""), 0, []event{{Code: 1002}}},
		{"ping of 125 bytes", client(true, OpPing, strings.Repeat("p", 125)), 0,
			[]event{{OpPing, strings.Repeat("p", 125), 0}}},
		{"ping of 126 bytes", client(true, OpPing, strings.Repeat("p", 126)), 0, []event{{Code: 1002}}},
		{"fragmented ping", client(false, OpPing, "p"), 0, []event{{Code: 1002}}},
		{"fragmented close", client(false, OpClose, ""), 0, []event{{Code: 1002}}},
		{"continuation with nothing to continue", client(true, OpContinuation, "x"), 0, []event{{Code: 1002}}},
		{"continuation after a finished message",
			join(client(true, OpText, "a"), client(true, OpContinuation, "b")), 0,
			[]event{{OpText, "a", 0}, {Code: 1002}}},
		{"new text inside a fragmented message",
			join(client(false, OpText, "a"), client(true, OpText, "b")), 0, []event{{Code: 1002}}},
		{"new binary inside a fragmented message",
			join(client(false, OpBinary, "a"), client(true, OpBinary, "b")), 0, []event{{Code: 1002}}},
		{"invalid UTF-8 text", client(true, OpText, "\xce\xba\xff"), 0, []event{{Code: 1007}}},
		{"UTF-8 code point split across fragments",
			join(client(false, OpText, "\xce"), client(true, OpContinuation, "\xba")), 0,
			[]event{{OpText, "κ", 0}}},
		{"text ending inside a code point", client(true, OpText, "\xce"), 0, []event{{Code: 1007}}},
		{"invalid UTF-8 fails before the message ends",
			join(client(false, OpText, "ok"), client(false, OpContinuation, "\xed\xa0\x80")), 0,
			[]event{{Code: 1007}}},
		{"binary is not checked for UTF-8", client(true, OpBinary, "\xff"), 0, []event{{OpBinary, "\xff", 0}}},
		{"message at the limit", client(true, OpBinary, "12345"), 5, []event{{OpBinary, "12345", 0}}},
		{"message over the limit", client(true, OpBinary, "123456"), 5, []event{{Code: 1009}}},
		{"fragments over the limit together",
			join(client(false, OpText, "123"), client(true, OpContinuation, "456")), 5, []event{{Code: 1009}}},
		{"declared length over the limit, no payload sent",
			AppendHeader(nil, Header{Fin: true, Opcode: OpBinary, Masked: true, Length: 1 << 40}), 0,
			[]event{{Code: 1009}}},
		{"close with code and reason", client(true, OpClose, closePayload(1000, "bye")), 0,
			[]event{{OpClose, closePayload(1000, "bye"), 0}}},
		{"close without payload", client(true, OpClose, ""), 0, []event{{OpClose, "", 0}}},
		{"close with 1 byte", client(true, OpClose, "\x03"), 0, []event{{Code: 1002}}},
		{"close with code 1005", client(true, OpClose, closePayload(1005, "")), 0, []event{{Code: 1002}}},
		{"close with code 999", client(true, OpClose, closePayload(999, "")), 0, []event{{Code: 1002}}},
		{"close with invalid UTF-8 reason", client(true, OpClose, closePayload(1000, "\xff")), 0,
			[]event{{Code: 1002}}},
		{"frame cut short", client(true, OpText, "Hello")[:8], 0,
			[]event{{Payload: io.ErrUnexpectedEOF.Error()}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, readAll(tt.wire, tt.max)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// A client's Reader refuses masked frames from a server (§5.1).
func TestReaderClientRefusesMaskedFrames(t *testing.T) {
	r := NewReader(bytes.NewReader(client(true, OpText, "hi")), false)
	_, _, err := r.Next()
	var pe *ProtocolError
	if !errors.As(err, &pe) || pe.Code != CloseProtocolError {
		t.Fatalf("got %v, want 1002", err)
	}
}

// A message arriving one byte per read is put together all the same.
func TestReaderOneByteAtATime(t *testing.T) {
	wire := join(client(false, OpText, "Hello, "), client(true, OpPing, "x"), client(true, OpContinuation, "wörld"))
	r := NewReader(iotestOneByte(bytes.NewReader(wire)), true)
	var got []event
	for range 2 {
		op, p, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, event{Op: op, Payload: string(p)})
	}
	want := []event{{OpPing, "x", 0}, {OpText, "Hello, wörld", 0}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// The codes a close frame may carry (§7.4 and the IANA registry): every
// code from 0 to 65535 is classified, 3000-4999 counted as a block.
func TestCloseCodes(t *testing.T) {
	var valid []CloseCode
	block := 0
	for c := range 1 << 16 {
		code := CloseCode(c)
		switch {
		case !code.Valid():
		case c >= 3000 && c <= 4999:
			block++
		default:
			valid = append(valid, code)
		}
	}
	want := []CloseCode{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014}
	if diff := cmp.Diff(want, valid); diff != "" {
		t.Errorf("valid codes outside 3000-4999 (-want +got):\n%s", diff)
	}
	if block != 2000 {
		t.Errorf("%d of the 2000 codes 3000-4999 valid", block)
	}
}

func TestAppendCloseCutsLongReasons(t *testing.T) {
	reason := strings.Repeat("é", 100) // 200 bytes
	p := AppendClose(nil, CloseGoingAway, reason)
	code, got, err := ParseClose(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(p) > MaxControlPayload || code != CloseGoingAway || got != strings.Repeat("é", 61) {
		t.Errorf("payload %d bytes, code %d, reason %q", len(p), code, got)
	}
}

// FuzzReadFrame: no header makes ReadHeader panic, and what it accepts it
// writes back the same way.
func FuzzReadFrame(f *testing.F) {
	f.Add([]byte{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58})
	f.Add([]byte{0x82, 0x7E, 0x01, 0x00})
	f.Add([]byte{0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0})
	f.Add([]byte{0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, wire []byte) {
		h, err := ReadHeader(bytes.NewReader(wire))
		if err != nil {
			return
		}
		if h.Length < 0 {
			t.Fatalf("negative length %d", h.Length)
		}
		again := AppendHeader(nil, h)
		if !bytes.Equal(again, wire[:len(again)]) {
			t.Fatalf("header % x written back as % x", wire[:len(again)], again)
		}
		if len(again) != HeaderLen(h) {
			t.Fatalf("HeaderLen %d, wrote %d", HeaderLen(h), len(again))
		}
	})
}

// FuzzReadMessage: no byte stream makes the Reader panic or allocate past
// its limit, every text message it returns is UTF-8, and every failure
// carries a close code a server may send.
func FuzzReadMessage(f *testing.F) {
	f.Add(client(true, OpText, "Hello"))
	f.Add(join(client(false, OpText, "Hel"), client(true, OpPing, "Hello"), client(true, OpContinuation, "lo")))
	f.Add(join(client(false, OpText, "\xce"), client(true, OpContinuation, "\xba")))
	f.Add(client(true, OpClose, "\x03\xe8bye"))
	f.Add(AppendHeader(nil, Header{Fin: true, Opcode: OpBinary, Masked: true, Length: 1 << 40}))
	f.Fuzz(func(t *testing.T, wire []byte) {
		r := NewReader(bytes.NewReader(wire), true)
		r.MaxMessage = 4096
		for {
			op, p, err := r.Next()
			if err != nil {
				var pe *ProtocolError
				if errors.As(err, &pe) && !pe.Code.Valid() {
					t.Fatalf("invalid close code %d", pe.Code)
				}
				return
			}
			if len(p) > 4096 || cap(p) > 1<<20 {
				t.Fatalf("payload of %d bytes, cap %d, past the limit", len(p), cap(p))
			}
			if op == OpText && !utf8.Valid(p) {
				t.Fatalf("text message is not UTF-8: %q", p)
			}
			if op.IsControl() && len(p) > MaxControlPayload {
				t.Fatalf("control payload of %d bytes", len(p))
			}
		}
	})
}
