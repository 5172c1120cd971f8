package frame

import "encoding/binary"

// Masking (RFC 6455 §5.3): every byte a client sends is XORed with one of
// the four bytes of a fresh random key,
//
//	transformed-octet-i = original-octet-i XOR masking-key-octet-j
//	j                   = i MOD 4
//
// and XOR undoes itself, so the same function masks and unmasks. pos says
// where in the payload b starts (mod 4), so a payload can be masked piece
// by piece as it arrives; both functions return the pos for the next piece.

// MaskNaive masks b byte by byte, exactly as §5.3 writes it. It is the
// reference the fast version is tested against.
func MaskNaive(key [4]byte, pos int, b []byte) int {
	pos &= 3
	for i := range b {
		j := (pos + i) % 4
		b[i] ^= key[j]
	}
	return (pos + len(b)) % 4
}

// Mask masks b like MaskNaive, eight bytes at a time: the key repeated twice
// is one uint64, and XORing a uint64 costs what XORing one byte does. The
// loads and stores go through encoding/binary, which the compiler turns
// into single machine instructions, so no unsafe is needed.
func Mask(key [4]byte, pos int, b []byte) int {
	pos &= 3
	n := len(b)
	if n < 8 {
		return maskBytes(key, pos, b)
	}
	// The key rotated so that its first byte is the one b[0] needs,
	// repeated to fill eight bytes. After any multiple of 8 bytes the
	// rotation is the same again, because 8 is a multiple of 4.
	var k8 [8]byte
	for i := range k8 {
		k8[i] = key[(pos+i)&3]
	}
	kw := binary.LittleEndian.Uint64(k8[:])
	for len(b) >= 32 {
		c := b[:32:32]
		binary.LittleEndian.PutUint64(c[0:], binary.LittleEndian.Uint64(c[0:])^kw)
		binary.LittleEndian.PutUint64(c[8:], binary.LittleEndian.Uint64(c[8:])^kw)
		binary.LittleEndian.PutUint64(c[16:], binary.LittleEndian.Uint64(c[16:])^kw)
		binary.LittleEndian.PutUint64(c[24:], binary.LittleEndian.Uint64(c[24:])^kw)
		b = b[32:]
	}
	for len(b) >= 8 {
		binary.LittleEndian.PutUint64(b, binary.LittleEndian.Uint64(b)^kw)
		b = b[8:]
	}
	for i := range b {
		b[i] ^= k8[i]
	}
	return (pos + n) & 3
}

// maskBytes is the byte loop for short tails, with j computed by a mask
// instead of a division.
func maskBytes(key [4]byte, pos int, b []byte) int {
	for i := range b {
		b[i] ^= key[(pos+i)&3]
	}
	return (pos + len(b)) & 3
}
