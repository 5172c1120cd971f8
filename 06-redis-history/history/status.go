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
	Degraded bool   `json:"degraded"` // Redis lost: history or other servers impaired
	Queued   int    `json:"queued"`   // messages kept in memory, waiting for Redis
	Detail   string `json:"detail,omitempty"`
}

// Status reports whether the room is whole: every message reaching Redis
// and the room's channel up (when subscribed).
func (r *Room) Status() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := Status{Store: "redis", Queued: len(r.pending)}
	switch {
	case len(r.pending) > 0:
		st.Degraded = true
		st.Detail = fmt.Sprintf("Redis lost %s ago: %d messages kept in memory, retrying",
			time.Since(r.lostAt).Round(time.Second), len(r.pending))
	case r.subscribing && !r.linked:
		st.Degraded = true
		st.Detail = "the room channel is down: people on other servers are out of reach, reconnecting"
		if !r.linkLost.IsZero() {
			st.Detail += fmt.Sprintf(" (for %s)", time.Since(r.linkLost).Round(time.Second))
		}
	}
	return st
}

// StatusHandler serves room.Status() as JSON; a nil room is the in-memory
// history a server falls back to when Redis is unreachable at start.
func StatusHandler(room *Room) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		st := Status{Store: "memory", Detail: "Redis was unreachable at start: history lives in this process only"}
		if room != nil {
			st = room.Status()
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		json.NewEncoder(w).Encode(st)
	})
}
