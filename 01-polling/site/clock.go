package site

import (
	"context"
	"log"
	"time"

	"example.com/wswalk/01-polling/poll"
)

// ClockUser is the username the clock posts as.
const ClockUser = "clock"

// ClockBody is what the clock posts at t: the server's time to the
// millisecond, so a class can read on the page how late each one arrives.
func ClockBody(t time.Time) string {
	return "server time " + t.Format("15:04:05.000")
}

// Clock posts ClockBody(now()) to store every `every` until ctx is done.
//
// This is the tutorials' "push the time to the browser" demo, done with
// polling: the server has news every second but cannot send it; each page
// finds out only when it next asks. With -tick 1s and a page polling every
// 5s, the messages arrive in bunches, up to five seconds late.
func Clock(ctx context.Context, store poll.Store, every time.Duration, now func() time.Time) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := store.Append(ClockUser, ClockBody(now())); err != nil {
				log.Printf("clock: %v", err)
			}
		}
	}
}
