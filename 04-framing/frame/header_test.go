package frame

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Lengths at every boundary of the three encodings round-trip, and each
// takes the shortest form.
func TestHeaderLengthEncodings(t *testing.T) {
	tests := []struct {
		length int64
		want   []byte // the length bytes after the first header byte
	}{
		{0, []byte{0x00}},
		{125, []byte{0x7D}},
		{126, []byte{0x7E, 0x00, 0x7E}},
		{127, []byte{0x7E, 0x00, 0x7F}},
		{65535, []byte{0x7E, 0xFF, 0xFF}},
		{65536, []byte{0x7F, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00}},
		{1<<63 - 1, []byte{0x7F, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}},
	}
	for _, tt := range tests {
		h := Header{Fin: true, Opcode: OpBinary, Length: tt.length}
		wire := AppendHeader(nil, h)
		if diff := cmp.Diff(tt.want, wire[1:]); diff != "" {
			t.Errorf("length %d encoded (-want +got):\n%s", tt.length, diff)
		}
		if len(wire) != HeaderLen(h) {
			t.Errorf("length %d: HeaderLen %d, wrote %d bytes", tt.length, HeaderLen(h), len(wire))
		}
		got, err := ReadHeader(bytes.NewReader(wire))
		if err != nil {
			t.Fatalf("length %d: %v", tt.length, err)
		}
		if diff := cmp.Diff(h, got); diff != "" {
			t.Errorf("length %d read back (-want +got):\n%s", tt.length, diff)
		}
	}
}

// Every bit of the first byte and the key land where §5.2 puts them.
func TestHeaderBits(t *testing.T) {
	h := Header{Fin: true, Rsv1: true, Rsv2: false, Rsv3: true, Opcode: OpPong, Masked: true,
		Length: 3, Key: [4]byte{1, 2, 3, 4}}
	want := []byte{0x80 | 0x40 | 0x10 | 0xA, 0x80 | 3, 1, 2, 3, 4}
	if diff := cmp.Diff(want, AppendHeader(nil, h)); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	got, err := ReadHeader(bytes.NewReader(want))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(h, got); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
}

// A length that is not in its shortest form, or a 64-bit length with the
// top bit set, is a protocol error (§5.2).
func TestHeaderNonMinimalLength(t *testing.T) {
	tests := []struct {
		name string
		wire []byte
	}{
		{"16-bit form for 5 bytes", []byte{0x82, 0x7E, 0x00, 0x05}},
		{"16-bit form for 125 bytes", []byte{0x82, 0x7E, 0x00, 0x7D}},
		{"64-bit form for 5 bytes", []byte{0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0, 5}},
		{"64-bit form for 65535 bytes", []byte{0x82, 0x7F, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF}},
		{"64-bit length with the top bit set", []byte{0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		_, err := ReadHeader(bytes.NewReader(tt.wire))
		var pe *ProtocolError
		if !errors.As(err, &pe) || pe.Code != CloseProtocolError {
			t.Errorf("%s: got %v, want a 1002 protocol error", tt.name, err)
		}
	}
}

// A header cut short is io.ErrUnexpectedEOF once it has begun, io.EOF before.
func TestHeaderTruncated(t *testing.T) {
	wire := AppendHeader(nil, Header{Fin: true, Opcode: OpText, Masked: true, Length: 70000})
	if _, err := ReadHeader(bytes.NewReader(nil)); err != io.EOF {
		t.Errorf("empty input: got %v, want io.EOF", err)
	}
	for n := 1; n < len(wire); n++ {
		if _, err := ReadHeader(bytes.NewReader(wire[:n])); err != io.ErrUnexpectedEOF {
			t.Errorf("%d of %d header bytes: got %v, want io.ErrUnexpectedEOF", n, len(wire), err)
		}
	}
}

// A header that arrives one byte per read is read whole: the header reader
// never assumes one read holds a frame.
func TestHeaderOneByteAtATime(t *testing.T) {
	h := Header{Fin: true, Opcode: OpText, Masked: true, Length: 70000, Key: rfcKey}
	got, err := ReadHeader(iotestOneByte(bytes.NewReader(AppendHeader(nil, h))))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(h, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// iotestOneByte returns a reader that hands out one byte per Read, the way
// a slow network may.
func iotestOneByte(r io.Reader) io.Reader { return oneByte{r} }

type oneByte struct{ r io.Reader }

func (o oneByte) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return o.r.Read(p[:1])
}

func TestOpcodeNames(t *testing.T) {
	got := []string{}
	for op := Opcode(0); op < 16; op++ {
		got = append(got, op.String())
	}
	want := []string{"continuation", "text", "binary", "reserved 0x3", "reserved 0x4", "reserved 0x5",
		"reserved 0x6", "reserved 0x7", "close", "ping", "pong", "reserved 0xB", "reserved 0xC",
		"reserved 0xD", "reserved 0xE", "reserved 0xF"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
