//go:build exercises

package handshake

import (
	"crypto/sha1"
	"encoding/base64"
	"testing"
)

// Exercise 1, the accept key by hand: acceptKeyCases (accept_test.go) gets a
// second case, for the key below, with the value computed with openssl.
// TestAcceptKey then holds AcceptKey to it.
func TestExercise1(t *testing.T) {
	const key = "AQIDBAUGBwgJCgsMDQ4PEA=="
	var accept string
	found := false
	for _, c := range acceptKeyCases {
		if c.key == key {
			accept, found = c.accept, true
		}
	}
	if !found {
		t.Fatalf("acceptKeyCases has no case for the key %s yet: compute its Sec-WebSocket-Accept with openssl and add it", key)
	}
	// Worked out here without AcceptKey, the way the exercise asks for it.
	sum := sha1.Sum([]byte(key + GUID))
	if accept == base64.StdEncoding.EncodeToString(sum[:]) {
		return
	}
	raw, _ := base64.StdEncoding.DecodeString(key)
	decoded := sha1.Sum(append(raw, GUID...))
	if accept == base64.StdEncoding.EncodeToString(decoded[:]) {
		t.Fatalf("the case for %s says %q: that is the hash of the 16 decoded bytes; hash the 24 characters of the key as text", key, accept)
	}
	t.Fatalf("the case for %s says %q, which is not base64(SHA-1(key + GUID)): check the GUID, and that printf adds no newline", key, accept)
}
