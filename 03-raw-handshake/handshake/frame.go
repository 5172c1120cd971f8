package handshake

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// The smallest possible framing layer: enough to send one text message and
// a close after a handshake, built byte by byte so every bit can be pointed
// at in RFC 6455 §5.2. Chapter 04 does framing properly.
//
//	 0                   1                   2
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 ...
//	+-+-+-+-+-------+-+-------------+-----------------
//	|F|R|R|R| opcode|M| Payload len |  payload ...
//	|I|S|S|S|  (4)  |A|     (7)     |
//	|N|V|V|V|       |S|             |
//	| |1|2|3|       |K|             |
//	+-+-+-+-+-------+-+-------------+-----------------

// Opcodes used here (§5.2, §11.8).
const (
	OpText  = 0x1 // a UTF-8 text message
	OpClose = 0x8 // the close handshake
)

// MaxShortPayload is the longest payload whose length fits in the 7-bit
// field of the second byte. Longer payloads need the extended lengths of
// §5.2, which chapter 04 implements.
const MaxShortPayload = 125

// TextFrame builds a single, final, unmasked text frame:
//
//	byte 0: 0x81 = 1000 0001
//	        FIN=1 (this is the last frame of the message), RSV1-3=0 (no
//	        extension), opcode=0x1 (text)
//	byte 1: the payload length, 0-125, with the MASK bit clear: a server
//	        never masks (§5.1); only client-to-server frames are masked
//	byte 2...: the payload, the UTF-8 text itself
//
// The text must be valid UTF-8 (§5.6; a client fails the connection
// otherwise) and at most 125 bytes.
func TextFrame(text string) ([]byte, error) {
	if len(text) > MaxShortPayload {
		return nil, fmt.Errorf("handshake: text of %d bytes needs an extended length; at most %d here", len(text), MaxShortPayload)
	}
	if !utf8.ValidString(text) {
		return nil, errors.New("handshake: a text frame must be valid UTF-8")
	}
	frame := make([]byte, 0, 2+len(text))
	frame = append(frame, 0x80|OpText)     // FIN + opcode: 0x81
	frame = append(frame, byte(len(text))) // MASK=0, 7-bit length
	frame = append(frame, text...)
	return frame, nil
}

// CloseFrame builds the close frame that starts the closing handshake
// (§5.5.1):
//
//	byte 0: 0x88 = FIN + opcode 0x8 (close); control frames are never
//	        fragmented, so FIN is always set
//	byte 1: payload length, 2 + len(reason), at most 125 as for every
//	        control frame (§5.5)
//	bytes 2-3: the status code, big-endian ("network byte order"), e.g.
//	        1000 = 0x03 0xE8, "normal closure" (§7.4.1)
//	bytes 4...: the reason, UTF-8, at most 123 bytes
func CloseFrame(code uint16, reason string) ([]byte, error) {
	if len(reason) > MaxShortPayload-2 {
		return nil, fmt.Errorf("handshake: close reason of %d bytes; at most %d", len(reason), MaxShortPayload-2)
	}
	if !utf8.ValidString(reason) {
		return nil, errors.New("handshake: a close reason must be valid UTF-8")
	}
	frame := make([]byte, 0, 4+len(reason))
	frame = append(frame, 0x80|OpClose, byte(2+len(reason)))
	frame = binary.BigEndian.AppendUint16(frame, code)
	frame = append(frame, reason...)
	return frame, nil
}

// maxSkip bounds how many payload bytes AwaitClose discards while it waits.
const maxSkip = 1 << 16

// AwaitClose reads frames from a client until its close frame arrives and
// returns the close code it carries (1005, "no status", when it carries
// none). It is the second half of the closing handshake (§7.1.2-§7.1.3):
// after sending its close, the server waits for the client's close and only
// then closes TCP, so the client sees a clean close instead of a reset.
//
// Other frames are skipped without being interpreted; at most 64 KiB of
// payload is skipped before giving up. The caller sets a read deadline.
func AwaitClose(r io.Reader) (uint16, error) {
	skipped := int64(0)
	for {
		var hdr [2]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return 0, err
		}
		opcode := hdr[0] & 0x0f
		masked := hdr[1]&0x80 != 0
		length := int64(hdr[1] & 0x7f)
		switch length {
		case 126: // 16-bit extended length follows
			var ext [2]byte
			if _, err := io.ReadFull(r, ext[:]); err != nil {
				return 0, err
			}
			length = int64(binary.BigEndian.Uint16(ext[:]))
		case 127: // 64-bit extended length follows
			var ext [8]byte
			if _, err := io.ReadFull(r, ext[:]); err != nil {
				return 0, err
			}
			length = int64(binary.BigEndian.Uint64(ext[:]) & (1<<63 - 1))
		}
		var key [4]byte
		if masked { // every client frame is masked (§5.3)
			if _, err := io.ReadFull(r, key[:]); err != nil {
				return 0, err
			}
		}
		if opcode != OpClose {
			if skipped += length; skipped > maxSkip {
				return 0, errors.New("handshake: too much data before the close frame")
			}
			if _, err := io.CopyN(io.Discard, r, length); err != nil {
				return 0, err
			}
			continue
		}
		if length > MaxShortPayload {
			return 0, errors.New("handshake: close frame over 125 bytes")
		}
		payload := make([]byte, length)
		if _, err := io.ReadFull(r, payload); err != nil {
			return 0, err
		}
		for i := range payload { // unmask: XOR with the key, byte by byte
			payload[i] ^= key[i%4]
		}
		if len(payload) < 2 {
			return 1005, nil
		}
		return binary.BigEndian.Uint16(payload), nil
	}
}
