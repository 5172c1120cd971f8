package handshake

import (
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
)

// GUID is the fixed string RFC 6455 §1.3 appends to the client's key. Only a
// server that knows the WebSocket protocol knows it, so a correct
// Sec-WebSocket-Accept proves the answer did not come from a plain HTTP
// server or cache that happened to reply with 101.
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// AcceptKey returns the Sec-WebSocket-Accept value for a Sec-WebSocket-Key
// (RFC 6455 §4.2.2 step 5.4): the base64 of the SHA-1 of the key, as sent,
// followed by the GUID.
//
//	AcceptKey("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
//
// SHA-1 is not here for secrecy (the key is public); it is a cheap function
// no accidental echo would compute.
func AcceptKey(key string) string {
	var buf [24 + len(GUID)]byte // room for a valid key, so no allocation
	sum := sha1.Sum(append(append(buf[:0], key...), GUID...))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// NewKey returns a fresh Sec-WebSocket-Key: 16 random bytes from
// crypto/rand, base64-encoded (RFC 6455 §4.1: "randomly selected", "MUST be
// selected randomly for each connection").
func NewKey() string {
	var nonce [16]byte
	rand.Read(nonce[:]) // never fails: crypto/rand.Read crashes the program instead
	return base64.StdEncoding.EncodeToString(nonce[:])
}

// validKey reports whether key is base64 of exactly 16 bytes (§4.2.1 item 5),
// which is always 24 characters ending in "==".
func validKey(key string) bool {
	if len(key) != 24 {
		return false
	}
	var b [18]byte // 24 base64 characters decode to at most 18 bytes
	n, err := base64.StdEncoding.Strict().Decode(b[:], []byte(key))
	return err == nil && n == 16
}
