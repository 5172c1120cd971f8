package longpoll

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"example.com/wswalk/01-polling/poll"
)

// BenchmarkWake measures what one Append costs to answer n held waiters:
// from the Append until every Wait has returned with the message. The
// waiters are parked before the timer starts, so only the wake-up is timed;
// the setup is slow, so run it with a count: -benchtime 200x.
func BenchmarkWake(b *testing.B) {
	for _, n := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("waiters=%d", n), func(b *testing.B) {
			board := NewBoard(poll.NewLog())
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				since := board.store.(*poll.Log).Last()
				var wg sync.WaitGroup
				for range n {
					wg.Add(1)
					go func() {
						defer wg.Done()
						if len(board.Wait(ctx, since)) != 1 {
							panic("woken without exactly one message")
						}
					}()
				}
				for board.Waiting() != int64(n) {
					runtime.Gosched() // parking the waiters is setup, not timed
				}
				b.StartTimer()
				if _, err := board.Append("ann", "hi"); err != nil {
					b.Fatal(err)
				}
				wg.Wait()
			}
		})
	}
}
