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
	sum := sha1.Sum([]byte(key + GUID))
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
	b, err := base64.StdEncoding.Strict().DecodeString(key)
	return err == nil && len(b) == 16
}
