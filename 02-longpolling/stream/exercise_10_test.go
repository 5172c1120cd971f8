//go:build exercises

package stream

import (
	"fmt"
	"testing"
	"time"
)

// TestExercise10 checks exercise 10 of the README: the heartbeat comment
// says how many streams are open, ": still here, 2 listening", read by a
// real HTTP client on the stream itself, and follows the count as a second
// client comes and goes.
func TestExercise10(t *testing.T) {
	t.Parallel()
	_, h, url := serve(t, Options{Heartbeat: 50 * time.Millisecond})
	first := open(t, url+"/events", nil)
	first.next() // retry:
	expectHeartbeat(t, first, 1)
	second := open(t, url+"/events", nil)
	second.next()
	expectHeartbeat(t, first, 2)
	expectHeartbeat(t, second, 2)
	second.body.Close()
	for deadline := time.Now().Add(5 * time.Second); h.Streams() != 1; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("Streams() = %d 5s after the second client left, want 1", h.Streams())
		}
	}
	expectHeartbeat(t, first, 1)
}

// expectHeartbeat reads heartbeats until one counts n listeners; a few
// may still carry the count from before a client came or went.
func expectHeartbeat(t *testing.T, r *reader, n int) {
	t.Helper()
	want := fmt.Sprintf("still here, %d listening", n)
	var got []string
	for range 10 {
		e := r.next()
		if e.Comment == want {
			return
		}
		got = append(got, e.Comment)
	}
	t.Fatalf("the heartbeat does not count the listeners: 10 heartbeats %q, none is %q", got, want)
}
