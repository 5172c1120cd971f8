package poll

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestClientFetch runs the polling client against a real server and checks
// what it counts: requests, empty answers, messages, bytes on the wire.
func TestClientFetch(t *testing.T) {
	l := NewLog()
	srv := httptest.NewServer(NewHandler(l))
	defer srv.Close()
	c := NewClient(srv.URL, time.Hour)
	ctx := context.Background()

	if _, err := c.Fetch(ctx, nil); err != nil { // empty
		t.Fatal(err)
	}
	l.Append("ann", "one")
	l.Append("bob", "two")
	got, err := c.Fetch(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"one", "two"}, bodies(got)); diff != "" {
		t.Fatalf("second fetch (-want +got):\n%s", diff)
	}
	got, err = c.Fetch(ctx, nil) // since=2 now: empty again
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Fatalf("third fetch = %v, want nothing new", got)
	}

	rep := c.Report()
	if len(rep.Delays) != 2 || rep.Delays[0] < 0 || rep.Delays[0] > 10*time.Second {
		t.Errorf("delays = %v, want two small non-negative ones", rep.Delays)
	}
	want := Report{Requests: 3, Empty: 2, Messages: 2}
	if diff := cmp.Diff(want, rep, cmpopts.IgnoreFields(Report{}, "Delays", "BytesIn", "BytesOut")); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	// Each request line and its headers alone are ~100 bytes, each answer's
	// headers as many: the wire holds far more than the two short bodies.
	if rep.BytesOut < 3*80 || rep.BytesIn < 3*100 {
		t.Errorf("bytes out %d, in %d: want at least 80 per request and 100 per answer", rep.BytesOut, rep.BytesIn)
	}
}

// TestClientRun polls on an interval and receives a message appended while
// it runs; an unreachable server is counted as errors, not a crash.
func TestClientRun(t *testing.T) {
	l := NewLog()
	srv := httptest.NewServer(NewHandler(l))
	defer srv.Close()
	c := NewClient(srv.URL, 20*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- c.Run(ctx) }()
	l.Append("clock", "tick")
	for deadline := time.Now().Add(5 * time.Second); c.Report().Messages == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the running client never received the message")
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v, want nil after cancel", err)
	}
	if rep := c.Report(); rep.Requests < 1 || rep.Errors != 0 {
		t.Errorf("report %+v: want requests and no errors", rep)
	}

	srv.Close()
	if _, err := c.Fetch(context.Background(), nil); err == nil {
		t.Fatal("Fetch from a closed server succeeded")
	}
	if got := c.Report().Errors; got != 1 {
		t.Errorf("errors = %d, want 1", got)
	}
}

func TestReportFigures(t *testing.T) {
	r := Report{Messages: 4, BytesIn: 700, BytesOut: 100, Delays: []time.Duration{4, 1, 3, 2}}
	sum := r.Add(Report{Requests: 1, Messages: 1, Delays: []time.Duration{5}})
	got := []any{r.Bytes(), r.BytesPerMessage(), r.MedianDelay(), sum.MedianDelay(), sum.Messages, sum.DelayQuantile(1)}
	want := []any{int64(800), 200.0, time.Duration(2), time.Duration(3), int64(5), time.Duration(5)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("figures (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]time.Duration{4, 1, 3, 2}, r.Delays); diff != "" {
		t.Fatalf("Add or MedianDelay changed the original (-want +got):\n%s", diff)
	}
}

func bodies(ms []Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Body)
	}
	return out
}
