//go:build exercises

package chat

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Exercise 13: GET /history answers History.Since as JSON, the poll of
// chapter 01 on this chapter's history.
func TestExercise13(t *testing.T) {
	t.Parallel()
	h := NewMemoryHistory(3)
	r := startRoom(t, Config{History: h})
	for i := 1; i <= 5; i++ {
		if err := r.Publish(context.Background(), "clock", fmt.Sprint("tick ", i)); err != nil {
			t.Fatal(err)
		}
	}
	client := &http.Client{Timeout: 5 * time.Second}
	get := func(query string) (int, http.Header, []byte) {
		t.Helper()
		resp, err := client.Get(r.http.URL + "/history" + query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		return resp.StatusCode, resp.Header, body
	}
	events := func(query string) ([]Event, http.Header) {
		t.Helper()
		code, hdr, body := get(query)
		if code != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
			t.Fatalf("GET /history%s answered %d %s: %.80q; want 200 with a JSON array of events "+
				"(the server has no /history yet?)", query, code, hdr.Get("Content-Type"), body)
		}
		var out []Event
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatalf("GET /history%s: %v in %.80q, want a JSON array of events", query, err, body)
		}
		return out, hdr
	}

	all, _ := events("")
	diff(t, "GET /history: the kept messages, oldest first",
		[]said{{"clock", "tick 3"}, {"clock", "tick 4"}, {"clock", "tick 5"}}, bodies(all))
	epoch := all[0].Epoch

	after, hdr := events("?since=" + all[0].ID + "&epoch=" + epoch)
	diff(t, "since the oldest kept", []said{{"clock", "tick 4"}, {"clock", "tick 5"}}, bodies(after))
	diff(t, "X-History when nothing was missed", "", hdr.Get("X-History"))

	kept, hdr := events("?since=" + fmt.Sprint(mustID(t, all[2].ID)+1000) + "&epoch=" + epoch)
	diff(t, "since an ID never given: what is kept", 3, len(kept))
	if !strings.Contains(hdr.Get("X-History"), "reset") {
		t.Errorf("since an ID this history never gave: X-History %q, want the reason (ErrReset)", hdr.Get("X-History"))
	}
	_, hdr = events("?since=" + fmt.Sprint(mustID(t, all[0].ID)-2) + "&epoch=" + epoch)
	if !strings.Contains(hdr.Get("X-History"), "no longer") {
		t.Errorf("since a trimmed ID: X-History %q, want the reason (ErrTooOld)", hdr.Get("X-History"))
	}

	code, hdr2, body := get("?since=yesterday")
	var e struct{ Error string }
	json.Unmarshal(body, &e)
	type answer struct {
		Code  int
		JSON  bool
		Error string
	}
	diff(t, "GET /history?since=yesterday",
		answer{http.StatusBadRequest, true, `since="yesterday" is not a message id`},
		answer{code, strings.HasPrefix(hdr2.Get("Content-Type"), "application/json"), e.Error})
}

func mustID(t *testing.T, id string) uint64 {
	t.Helper()
	var n uint64
	if _, err := fmt.Sscan(id, &n); err != nil {
		t.Fatalf("id %q: %v", id, err)
	}
	return n
}
