package longpoll

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"example.com/wswalk/01-polling/poll"
)

// The bounds of ?wait=. Long enough to save requests, short enough that
// proxies (which often cut idle requests after 60-120 s) and a server that
// is shutting down never wait on a request for long.
const (
	DefaultWait = 30 * time.Second
	MaxWait     = 2 * time.Minute
)

// NewHandler serves chapter 01's API over the board, with GET held open:
//
//	GET /messages?since=ID&wait=30s   -> 200 [news] as soon as there is some,
//	                                     200 [] when the wait passes
//
// wait is a Go duration ("500ms", "30s"); absent means DefaultWait, 0 means
// answer at once, and negative, unparsable or over MaxWait is a 400. POST
// and every error are chapter 01's handler, imported rather than copied.
// The request ends early when the client goes away or the request's context
// is cancelled (a server shutting down cancels it through BaseContext).
func NewHandler(b *Board) http.Handler {
	heldFetch := func(r *http.Request, since int64) ([]poll.Message, error) {
		wait, err := ParseWait(r)
		if err != nil {
			return nil, err
		}
		ctx, cancel := context.WithTimeout(r.Context(), wait)
		defer cancel()
		return b.Wait(ctx, since), nil
	}
	return poll.NewHandler(b, poll.WithFetch(heldFetch))
}

// ParseWait reads ?wait= as described at NewHandler.
func ParseWait(r *http.Request) (time.Duration, error) {
	s := r.URL.Query().Get("wait")
	if s == "" {
		return DefaultWait, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 || d > MaxWait {
		return 0, fmt.Errorf("wait must be a duration from 0s to %v, such as 30s, got %q", MaxWait, s)
	}
	return d, nil
}
