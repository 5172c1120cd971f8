package longpoll

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"example.com/wswalk/01-polling/poll"
)

// BenchmarkWake measures one round of long polling with n clients, without
// the network: one Append, and every one of n waiters returns with the
// message and waits again, as a long-polling client asks again at once.
// One op is one message delivered to all n.
func BenchmarkWake(b *testing.B) {
	for _, n := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("waiters=%d", n), func(b *testing.B) {
			board := NewBoard(poll.NewLog())
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var delivered sync.WaitGroup
			for range n {
				go func() {
					var since int64
					for {
						msgs := board.Wait(ctx, since)
						if ctx.Err() != nil {
							return
						}
						since = msgs[len(msgs)-1].ID
						delivered.Done()
					}
				}()
			}
			for board.Waiting() != int64(n) {
				runtime.Gosched() // let the waiters park before timing starts
			}
			for b.Loop() {
				// A waiter that has not parked again yet finds the message
				// when it looks; none can miss it (see Wait).
				delivered.Add(n)
				if _, err := board.Append("ann", "hi"); err != nil {
					b.Fatal(err)
				}
				delivered.Wait()
			}
		})
	}
}
