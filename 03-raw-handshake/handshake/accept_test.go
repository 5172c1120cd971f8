package handshake

import (
	"encoding/base64"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// acceptKeyCases are keys with the Sec-WebSocket-Accept each must give,
// worked out apart from AcceptKey (by the RFC, or by hand with openssl).
var acceptKeyCases = []struct {
	name, key, accept string
}{
	{"the worked example of RFC 6455 §1.3", "dGhlIHNhbXBsZSBub25jZQ==", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="},
}

// TestAcceptKey checks AcceptKey against every case of acceptKeyCases.
func TestAcceptKey(t *testing.T) {
	for _, c := range acceptKeyCases {
		if diff := cmp.Diff(c.accept, AcceptKey(c.key)); diff != "" {
			t.Errorf("AcceptKey(%q), %s (-want +got):\n%s", c.key, c.name, diff)
		}
	}
}

// TestNewKey checks that keys are base64 of 16 bytes and differ each time.
func TestNewKey(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		k := NewKey()
		raw, err := base64.StdEncoding.DecodeString(k)
		if err != nil || len(raw) != 16 {
			t.Fatalf("NewKey() = %q: decodes to %d bytes, err %v; want 16 bytes", k, len(raw), err)
		}
		if !validKey(k) {
			t.Fatalf("NewKey() = %q is not accepted by the server's check", k)
		}
		if seen[k] {
			t.Fatalf("NewKey() repeated %q", k)
		}
		seen[k] = true
	}
}
