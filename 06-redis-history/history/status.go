package history

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Status is what a page is told about the room's store, at GET /status.
type Status struct {
	Store    string `json:"store"`    // "redis", or "memory" when started without it
	Degraded bool   `json:"degraded"` // Redis lost: nothing can be sent or kept
	Detail   string `json:"detail,omitempty"`
}

// Status reports whether the room is whole: the room's channel up.
func (r *Relay) Status() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := Status{Store: "redis"}
	if r.subscribing && !r.linked {
		st.Degraded = true
		st.Detail = "Redis is out of reach: messages cannot be sent or kept, reconnecting"
		if !r.linkLost.IsZero() {
			st.Detail += fmt.Sprintf(" (for %s)", time.Since(r.linkLost).Round(time.Second))
		}
	}
	return st
}

// StatusHandler serves relay.Status() as JSON; a nil relay is the
// in-memory history a server falls back to when Redis is unreachable at
// start.
func StatusHandler(relay *Relay) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		st := Status{Store: "memory", Detail: "Redis was unreachable at start: history lives in this process only"}
		if relay != nil {
			st = relay.Status()
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		json.NewEncoder(w).Encode(st)
	})
}
