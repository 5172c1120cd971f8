//go:build exercises

package longpoll

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"example.com/wswalk/01-polling/poll"
)

// TestExercise4 checks exercise 4 of the README: a wait of one minute is
// the most a client may ask for; a second more is a 400 that names the
// bound; the page's default of 30 s still holds.
func TestExercise4(t *testing.T) {
	for q, ok := range map[string]bool{"60s": true, "1m": true, "1m0.5s": false, "90s": false, "2m": false} {
		_, err := ParseWait(httptest.NewRequest("GET", "/messages?wait="+q, nil))
		if (err == nil) != ok {
			t.Errorf("the bound is not 60 s yet: ParseWait(wait=%s) error = %v, want ok=%v", q, err, ok)
		}
	}
	// Bounded: where 61 s is still allowed, the request is held, so it
	// gives up after a second instead of waiting the minute.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	w := httptest.NewRecorder()
	NewHandler(NewBoard(poll.NewLog())).ServeHTTP(w, httptest.NewRequest("GET", "/messages?wait=61s", nil).WithContext(ctx))
	if w.Code != 400 || !strings.Contains(w.Body.String(), "1m0s") {
		t.Errorf("GET ?wait=61s: %d %s, want a 400 that names the bound 1m0s", w.Code, w.Body)
	}
	if d, err := ParseWait(httptest.NewRequest("GET", "/messages", nil)); err != nil || d != 30*time.Second {
		t.Errorf("the default wait = %v, %v; want 30s as the page expects", d, err)
	}
}
