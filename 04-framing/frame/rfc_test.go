package frame

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The examples of RFC 6455 §5.7, byte for byte, written and read back.

var rfcKey = [4]byte{0x37, 0xfa, 0x21, 0x3d}

func TestRFCExamples(t *testing.T) {
	big256 := bytes.Repeat([]byte{0xAB}, 256)
	big64k := bytes.Repeat([]byte{0xCD}, 65536)
	tests := []struct {
		name    string
		header  Header
		payload []byte
		wire    []byte
	}{
		{
			name:    "single-frame unmasked text",
			header:  Header{Fin: true, Opcode: OpText},
			payload: []byte("Hello"),
			wire:    []byte{0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f},
		},
		{
			name:    "single-frame masked text",
			header:  Header{Fin: true, Opcode: OpText, Masked: true, Key: rfcKey},
			payload: []byte("Hello"),
			wire:    []byte{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58},
		},
		{
			name:    "first fragment of an unmasked text",
			header:  Header{Fin: false, Opcode: OpText},
			payload: []byte("Hel"),
			wire:    []byte{0x01, 0x03, 0x48, 0x65, 0x6c},
		},
		{
			name:    "last fragment of an unmasked text",
			header:  Header{Fin: true, Opcode: OpContinuation},
			payload: []byte("lo"),
			wire:    []byte{0x80, 0x02, 0x6c, 0x6f},
		},
		{
			name:    "unmasked ping",
			header:  Header{Fin: true, Opcode: OpPing},
			payload: []byte("Hello"),
			wire:    []byte{0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f},
		},
		{
			name:    "masked pong answering it",
			header:  Header{Fin: true, Opcode: OpPong, Masked: true, Key: rfcKey},
			payload: []byte("Hello"),
			wire:    []byte{0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58},
		},
		{
			name:    "256 bytes binary, 16-bit length",
			header:  Header{Fin: true, Opcode: OpBinary},
			payload: big256,
			wire:    append([]byte{0x82, 0x7E, 0x01, 0x00}, big256...),
		},
		{
			name:    "64 KiB binary, 64-bit length",
			header:  Header{Fin: true, Opcode: OpBinary},
			payload: big64k,
			wire:    append([]byte{0x82, 0x7F, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00}, big64k...),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := WriteFrame(&out, tt.header, tt.payload); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wire, out.Bytes()); diff != "" {
				t.Errorf("written frame (-RFC +ours):\n%s", diff)
			}

			r := bytes.NewReader(tt.wire)
			h, err := ReadHeader(r)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.header
			want.Length = int64(len(tt.payload))
			if diff := cmp.Diff(want, h); diff != "" {
				t.Errorf("read header (-want +got):\n%s", diff)
			}
			payload := make([]byte, r.Len())
			r.Read(payload)
			if h.Masked {
				Mask(h.Key, 0, payload)
			}
			if diff := cmp.Diff(tt.payload, payload); diff != "" {
				t.Errorf("unmasked payload (-want +got):\n%s", diff)
			}
		})
	}
}

// The fragmented "Hel"+"lo" of §5.7, with the ping of §5.7 between the two
// fragments (§5.4 allows control frames there), read as a message.
func TestRFCFragmentedWithPing(t *testing.T) {
	wire := []byte{
		0x01, 0x03, 0x48, 0x65, 0x6c, // "Hel", not final
		0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f, // ping "Hello"
		0x80, 0x02, 0x6c, 0x6f, // "lo", final
	}
	r := NewReader(bytes.NewReader(wire), false)
	type got struct {
		Op      Opcode
		Payload string
	}
	var seen []got
	for range 2 {
		op, p, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, got{op, string(p)})
	}
	want := []got{{OpPing, "Hello"}, {OpText, "Hello"}}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
}
