package history

import (
	"encoding/json"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/wswalk/05-gorilla-chat/chat"
	"github.com/gorilla/websocket"
)

// resumer is a page on a bad connection: it stays 300 ms, goes, and comes
// back with ?since= and ?epoch= of the last message it saw, as the page's
// reconnect does.
type resumer struct {
	url string

	mu     sync.Mutex
	seen   map[string]chat.Event // by key: what it was shown, over all visits
	after  string                // the last message ID it saw
	epoch  string                // and its epoch
	first  string                // the ID it first resumed from
	reset  int                   // reset notices it was given
	rounds int
}

// run visits until the returned stop is called.
func (r *resumer) run(t *testing.T) (stop func()) {
	r.seen = map[string]chat.Event{}
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-done:
				return
			default:
			}
			r.visit(t)
		}
	}()
	return func() { close(done); <-finished; r.visit(t) } // one last look
}

// visit connects once, reads for 300 ms, and leaves.
func (r *resumer) visit(t *testing.T) {
	r.mu.Lock()
	q := url.Values{}
	if r.after != "" {
		q.Set("since", r.after)
		q.Set("epoch", r.epoch)
		if r.first == "" {
			r.first = r.after
		}
	}
	r.rounds++
	r.mu.Unlock()
	conn, _, err := websocket.DefaultDialer.Dial(r.url+"&"+q.Encode(), nil)
	if err != nil {
		time.Sleep(50 * time.Millisecond) // the server is there; retry
		return
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			return
		}
		var e chat.Event
		if json.Unmarshal(data, &e) != nil {
			continue
		}
		r.mu.Lock()
		switch {
		case e.Type == chat.TypeMessage:
			if old, ok := r.seen[e.Key]; ok && old.ID != e.ID {
				t.Errorf("resumer: message %s shown as %s, then as %s", e.Key, old.ID, e.ID)
			}
			r.seen[e.Key] = e
			if idOf(e) > idOf(chat.Event{ID: r.after}) {
				r.after, r.epoch = e.ID, e.Epoch
			}
		case e.Type == chat.TypeError && strings.Contains(e.Body, "reset"):
			r.reset++
		}
		r.mu.Unlock()
	}
}

func (r *resumer) resets() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.reset
}

// checkNothingMissed: every message the observer on the same server saw
// after the point the resumer first resumed from, the resumer saw too.
func (r *resumer) checkNothingMissed(t *testing.T, obs *watcher) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	obs.mu.Lock()
	defer obs.mu.Unlock()
	from := idOf(chat.Event{ID: r.first})
	missed := 0
	for _, e := range obs.seen {
		if e.Type != chat.TypeMessage || idOf(e) <= from {
			continue
		}
		if _, ok := r.seen[e.Key]; !ok {
			missed++
			if missed <= 3 {
				t.Errorf("resumer missed message %s (id %s)", e.Key, e.ID)
			}
		}
	}
	if missed > 0 {
		t.Errorf("resumer missed %d messages in all", missed)
	}
}
