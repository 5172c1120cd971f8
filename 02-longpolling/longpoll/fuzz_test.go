package longpoll

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzParseWait: whatever the query, ParseWait refuses it with a message
// that names the bounds, or returns a wait within them: no request can ask
// to be held for longer than MaxWait, nor for a negative time.
func FuzzParseWait(f *testing.F) {
	for _, s := range []string{"wait=30s", "wait=0", "wait=250ms", "wait=2m", "wait=2m0.000000001s", "wait=-1s",
		"wait=30", "wait=1h", "wait=9223372036854775807ns", "wait=1e3s", "wait=.5s", "wait=%20", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		r := httptest.NewRequest("GET", "/messages", nil)
		r.URL.RawQuery = query
		d, err := ParseWait(r)
		if err != nil {
			if !strings.Contains(err.Error(), "wait must be a duration from 0s to 2m0s") {
				t.Fatalf("error %q does not name the bounds", err)
			}
			return
		}
		if d < 0 || d > MaxWait {
			t.Fatalf("ParseWait(%q) = %v, outside 0..%v", query, d, MaxWait)
		}
		if r.URL.Query().Get("wait") == "" && d != DefaultWait {
			t.Fatalf("no wait, got %v, want the default %v", d, DefaultWait)
		}
	})
}

// TestWaitBounds pins down the edges the fuzzer explores.
func TestWaitBounds(t *testing.T) {
	for q, ok := range map[string]bool{
		"wait=2m":              true,
		"wait=2m0.000000001s":  false,
		"wait=120s":            true,
		"wait=-0s":             true,
		"wait=1h":              false,
		"wait=9223372036854ms": false,
		"wait=.5s":             true,
	} {
		r := httptest.NewRequest("GET", "/messages?"+q, nil)
		if _, err := ParseWait(r); (err == nil) != ok {
			t.Errorf("ParseWait(%s) error = %v, want ok=%v", q, err, ok)
		}
	}
	if MaxWait > 5*time.Minute {
		t.Errorf("MaxWait = %v: a held request must stay short enough for proxies and shutdowns", MaxWait)
	}
}
