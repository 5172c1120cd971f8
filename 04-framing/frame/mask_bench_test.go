package frame

import (
	"fmt"
	"testing"
)

// BenchmarkMask compares the byte loop of §5.3 with the word-at-a-time
// mask, side by side, at the payload sizes of chat messages (16 B, 1 KiB)
// and of bulk data (64 KiB, 1 MiB). b.SetBytes makes `go test` print MB/s.
//
//	go test -run '^$' -bench Mask -count 3 ./04-framing/frame
func BenchmarkMask(b *testing.B) {
	for _, size := range []int{16, 1 << 10, 64 << 10, 1 << 20} {
		data := make([]byte, size)
		for _, m := range []struct {
			name string
			mask func([4]byte, int, []byte) int
		}{{"naive", MaskNaive}, {"fast", Mask}} {
			mask := m.mask
			b.Run(fmt.Sprintf("%s/%s", sizeName(size), m.name), func(b *testing.B) {
				b.SetBytes(int64(size))
				for b.Loop() {
					mask(rfcKey, 1, data)
				}
			})
		}
	}
}

func sizeName(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%dMiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%dKiB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}
