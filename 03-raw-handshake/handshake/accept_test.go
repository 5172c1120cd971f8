package handshake

import (
	"encoding/base64"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAcceptKey checks the worked example of RFC 6455 §1.3.
func TestAcceptKey(t *testing.T) {
	got := AcceptKey("dGhlIHNhbXBsZSBub25jZQ==")
	if diff := cmp.Diff("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", got); diff != "" {
		t.Errorf("AcceptKey of the RFC example (-want +got):\n%s", diff)
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
