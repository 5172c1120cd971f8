//go:build exercises

package history

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"example.com/wswalk/05-gorilla-chat/chat"
	"example.com/wswalk/testkit/redistest"
)

// Exercise 11: GET /status says how many servers share the room.
func TestExercise11(t *testing.T) {
	t.Parallel()
	url := redistest.URL(t)
	o := testOptions(url, uniqueRoom(t, url), 100, nil)
	o.Refresh = 100 * time.Millisecond
	a := startNodeOpts(t, o, chat.Config{})
	b := startNodeOpts(t, o, chat.Config{})
	servers := func() (int, bool) {
		t.Helper()
		rec := httptest.NewRecorder()
		a.srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/status", nil))
		var st map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil {
			t.Fatalf("GET /status: %v in %q", err, rec.Body.String())
		}
		n, ok := st["servers"].(float64)
		return int(n), ok
	}
	if _, ok := servers(); !ok {
		t.Fatal(`GET /status has no "servers": a page cannot tell how many servers share the room`)
	}
	eventually(t, 5*time.Second, `"servers": 2 with two servers on the room`, func() bool { n, _ := servers(); return n == 2 })
	b.stop()
	eventually(t, 5*time.Second, `"servers": 1 once the second server stopped`, func() bool { n, _ := servers(); return n == 1 })
}
