package frame

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// traceBytes is how many payload bytes Describe shows.
const traceBytes = 16

// Describe draws a frame the way the tutorials did by hand: the first two
// header bytes in bits, every field by name, the masking key, and the first
// payload bytes in hex, both as sent (masked) and as meant (unmasked).
// payload is the unmasked payload.
//
//	81 85  1000 0001  1 0000101  FIN=1 RSV=000 opcode=0x1 text MASK=1 len=5 key=37 fa 21 3d
//	       wire 7f 9f 4d 51 58  data 48 65 6c 6c 6f  "Hello"
//
// (the masked "Hello" of RFC 6455 §5.7; ExampleDescribe checks this drawing).
func Describe(h Header, payload []byte) string {
	hdr := AppendHeader(nil, h)
	var b strings.Builder
	fmt.Fprintf(&b, "%02x %02x  %04b %04b  %d %07b  FIN=%d RSV=%03b opcode=0x%X %s MASK=%d len=%d",
		hdr[0], hdr[1], hdr[0]>>4, hdr[0]&0xF, hdr[1]>>7, hdr[1]&0x7F,
		b2i(h.Fin), h.Rsv(), byte(h.Opcode), h.Opcode, b2i(h.Masked), h.Length)
	if ext := len(hdr) - 2; h.Masked && ext > 4 || !h.Masked && ext > 0 {
		n := ext
		if h.Masked {
			n -= 4
		}
		fmt.Fprintf(&b, " (extended length % x)", hdr[2:2+n])
	}
	if h.Masked {
		fmt.Fprintf(&b, " key=% x", h.Key[:])
	}
	if len(payload) == 0 {
		return b.String()
	}
	show := payload[:min(len(payload), traceBytes)]
	more := ""
	if len(payload) > len(show) {
		more = " ..."
	}
	b.WriteString("\n       ")
	if h.Masked {
		wire := append([]byte(nil), show...)
		Mask(h.Key, 0, wire)
		fmt.Fprintf(&b, "wire % x%s  ", wire, more)
	}
	fmt.Fprintf(&b, "data % x%s", show, more)
	if h.Opcode == OpClose && len(payload) >= 2 {
		code, reason, err := ParseClose(payload)
		if err == nil {
			fmt.Fprintf(&b, "  code=%d (%s) reason=%q", uint16(code), code, reason)
		}
	} else if printable(show) {
		fmt.Fprintf(&b, "  %q%s", show, more)
	}
	return b.String()
}

func b2i(v bool) int {
	if v {
		return 1
	}
	return 0
}

// printable reports whether p reads as text worth quoting: UTF-8 (perhaps cut
// at the end) without control characters.
func printable(p []byte) bool {
	for len(p) > 0 {
		r, size := utf8.DecodeRune(p)
		if r == utf8.RuneError && size == 1 {
			return !utf8.FullRune(p)
		}
		if r < 0x20 || r == 0x7f {
			return false
		}
		p = p[size:]
	}
	return true
}
