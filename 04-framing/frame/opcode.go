package frame

import "fmt"

// Opcode is the 4-bit frame type of RFC 6455 §5.2.
type Opcode byte

// The opcodes RFC 6455 defines. 0x3-0x7 are reserved for further data
// frames and 0xB-0xF for further control frames (§5.2); a peer that sends
// one is failed with 1002, since no extension here gives them a meaning.
const (
	OpContinuation Opcode = 0x0 // the next fragment of a text or binary message
	OpText         Opcode = 0x1 // UTF-8 text (§5.6)
	OpBinary       Opcode = 0x2 // arbitrary bytes (§5.6)
	OpClose        Opcode = 0x8 // start or answer the closing handshake (§5.5.1)
	OpPing         Opcode = 0x9 // "are you there?" (§5.5.2)
	OpPong         Opcode = 0xA // "yes": the ping's payload sent back (§5.5.3)
)

// IsControl reports whether o is a control opcode: its most significant bit
// is set (§5.5). Control frames may arrive between the fragments of a
// message, must not be fragmented, and carry at most 125 bytes.
func (o Opcode) IsControl() bool { return o&0x8 != 0 }

// IsData reports whether o starts a data message (text or binary).
func (o Opcode) IsData() bool { return o == OpText || o == OpBinary }

// IsReserved reports whether o is one of the opcodes §5.2 reserves.
func (o Opcode) IsReserved() bool {
	switch o {
	case OpContinuation, OpText, OpBinary, OpClose, OpPing, OpPong:
		return false
	}
	return true
}

// String names the opcode as the RFC does: "text", "ping", "reserved 0x3".
func (o Opcode) String() string {
	switch o {
	case OpContinuation:
		return "continuation"
	case OpText:
		return "text"
	case OpBinary:
		return "binary"
	case OpClose:
		return "close"
	case OpPing:
		return "ping"
	case OpPong:
		return "pong"
	}
	return fmt.Sprintf("reserved 0x%X", byte(o))
}
