package frame

import (
	"encoding/binary"
	"io"
	"math"
)

// MaxHeaderLen is the longest frame header: 2 bytes, 8 bytes of extended
// length, 4 bytes of masking key.
const MaxHeaderLen = 14

// MaxControlPayload is the most a control frame may carry (§5.5).
const MaxControlPayload = 125

// Header is everything in a frame before its payload (RFC 6455 §5.2).
type Header struct {
	Fin    bool    // this is the last fragment of the message
	Rsv1   bool    // reserved for extensions (permessage-deflate uses RSV1)
	Rsv2   bool    // reserved for extensions
	Rsv3   bool    // reserved for extensions
	Opcode Opcode  // what the payload is
	Masked bool    // the payload is XORed with Key (client to server)
	Length int64   // payload length in bytes, 0 to 2^63-1
	Key    [4]byte // masking key, meaningful only when Masked
}

// Rsv returns the three reserved bits as a number: RSV1 is 4, RSV2 is 2,
// RSV3 is 1.
func (h Header) Rsv() byte {
	var r byte
	if h.Rsv1 {
		r |= 4
	}
	if h.Rsv2 {
		r |= 2
	}
	if h.Rsv3 {
		r |= 1
	}
	return r
}

// Bits of the first two header bytes.
const (
	bitFin  = 0x80
	bitRsv1 = 0x40
	bitRsv2 = 0x20
	bitRsv3 = 0x10
	bitMask = 0x80

	len16 = 126 // "payload len" value announcing a 16-bit length
	len64 = 127 // "payload len" value announcing a 64-bit length
)

// HeaderLen returns how many bytes h takes on the wire: 2 to 14.
func HeaderLen(h Header) int {
	n := 2
	switch {
	case h.Length > math.MaxUint16:
		n += 8
	case h.Length > 125:
		n += 2
	}
	if h.Masked {
		n += 4
	}
	return n
}

// AppendHeader appends the wire form of h to dst and returns the result.
// The length always takes the shortest form (§5.2: "the minimal number of
// bytes MUST be used to encode the length"): 0-125 in the 7 bits,
// 126-65535 as 126 plus 16 bits, anything longer as 127 plus 64 bits, all
// in network byte order (big-endian). A negative Length is written as 0.
func AppendHeader(dst []byte, h Header) []byte {
	b0 := byte(h.Opcode) & 0x0F
	if h.Fin {
		b0 |= bitFin
	}
	if h.Rsv1 {
		b0 |= bitRsv1
	}
	if h.Rsv2 {
		b0 |= bitRsv2
	}
	if h.Rsv3 {
		b0 |= bitRsv3
	}
	var b1 byte
	if h.Masked {
		b1 = bitMask
	}
	n := max(h.Length, 0)
	switch {
	case n <= 125:
		dst = append(dst, b0, b1|byte(n))
	case n <= math.MaxUint16:
		dst = append(dst, b0, b1|len16)
		dst = binary.BigEndian.AppendUint16(dst, uint16(n))
	default:
		dst = append(dst, b0, b1|len64)
		dst = binary.BigEndian.AppendUint64(dst, uint64(n))
	}
	if h.Masked {
		dst = append(dst, h.Key[:]...)
	}
	return dst
}

// ReadHeader reads one frame header from r. It reads exactly the header's
// bytes (io.ReadFull, however the bytes arrive) and leaves the payload in r.
//
// It rejects, with a 1002 *ProtocolError, what no valid header can be: a
// length not in its shortest form, and a 64-bit length with its most
// significant bit set (§5.2). Whether the frame is allowed at this point
// (its opcode, RSV bits, mask, size) is the Reader's business.
func ReadHeader(r io.Reader) (Header, error) {
	var buf [MaxHeaderLen]byte
	return readHeader(r, &buf)
}

// readHeader is ReadHeader with a caller-owned buffer, so that reading a
// frame costs no allocation.
func readHeader(r io.Reader, buf *[MaxHeaderLen]byte) (Header, error) {
	if _, err := io.ReadFull(r, buf[:2]); err != nil {
		return Header{}, err
	}
	h := Header{
		Fin:    buf[0]&bitFin != 0,
		Rsv1:   buf[0]&bitRsv1 != 0,
		Rsv2:   buf[0]&bitRsv2 != 0,
		Rsv3:   buf[0]&bitRsv3 != 0,
		Opcode: Opcode(buf[0] & 0x0F),
		Masked: buf[1]&bitMask != 0,
		Length: int64(buf[1] & 0x7F),
	}
	// How many more header bytes follow: extended length, then key.
	extra := 0
	switch h.Length {
	case len16:
		extra = 2
	case len64:
		extra = 8
	}
	keyAt := extra
	if h.Masked {
		extra += 4
	}
	if extra > 0 {
		if _, err := io.ReadFull(r, buf[2:2+extra]); err != nil {
			return Header{}, unexpected(err)
		}
	}
	switch h.Length {
	case len16:
		n := binary.BigEndian.Uint16(buf[2:4])
		if n <= 125 {
			return Header{}, protocolErr("16-bit length used for a payload under 126 bytes")
		}
		h.Length = int64(n)
	case len64:
		n := binary.BigEndian.Uint64(buf[2:10])
		if n>>63 != 0 {
			return Header{}, protocolErr("64-bit length with its most significant bit set")
		}
		if n <= math.MaxUint16 {
			return Header{}, protocolErr("64-bit length used for a payload under 65536 bytes")
		}
		h.Length = int64(n)
	}
	if h.Masked {
		copy(h.Key[:], buf[2+keyAt:2+keyAt+4])
	}
	return h, nil
}

// unexpected turns a clean end of stream in the middle of a frame into
// io.ErrUnexpectedEOF: the peer went away half-way through.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
