//go:build unix

package listen

import "syscall"

// DefaultMaxConns is a MaxConns for this process: its descriptor limit
// (RLIMIT_NOFILE) less a reserve, so that a flood of connections meets
// 503s rather than failed accepts. Each connection is one descriptor; the
// reserve covers the rest: the listener, standard input, output and error,
// the runtime's poller and its wake-up descriptor, and, most of it, the
// connections being refused (one being answered, up to maxLingering
// draining). With `ulimit -n 1024` that is 960. Go raises the soft limit to
// the hard one at start (package os, since Go 1.19), so this reads the
// limit after that.
func DefaultMaxConns() int {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return fallbackMaxConns
	}
	return fromLimit(rl.Cur)
}
