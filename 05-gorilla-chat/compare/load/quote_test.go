package load

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestQuote: each field as prose writes it, and a clear error for what a
// run does not have.
func TestQuote(t *testing.T) {
	t.Parallel()
	results := []Result{{Technique: "short", Requests: 5702, Empty: 4602, BytesPerMessage: 1350.4,
		OverheadPerMessage: 1252.2, P50Millis: 499.1, P99Millis: 990, CPUSeconds: 1.234, Delivered: 1200},
		{Technique: "ws", BytesPerMessage: 126, OverheadPerMessage: 3.27, P50Millis: 1.351}}
	got := map[string]string{}
	for _, f := range QuoteFields {
		q, err := Quote(results, "short", f)
		if err != nil {
			t.Fatal(err)
		}
		got[f] = q
	}
	want := map[string]string{"requests": "5,702", "empty": "4,602", "bytes": "1,350 B", "overhead": "1,252 B",
		"median": "499 ms", "p99": "990 ms", "cpu": "1.23 s", "delivered": "1,200"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Quote (-want +got):\n%s", diff)
	}
	if q, _ := Quote(results, "ws", "overhead"); q != "3.3 B" {
		t.Errorf(`Quote(ws, overhead) = %q, want "3.3 B"`, q)
	}
	if _, err := Quote(results, "stream", "bytes"); err == nil {
		t.Error("a technique the run lacks: no error")
	}
	if _, err := Quote(results, "short", "colour"); err == nil {
		t.Error("an unknown field: no error")
	}
}
