//go:build !unix

package listen

// DefaultMaxConns is a MaxConns for this process; with no RLIMIT_NOFILE
// to read here, a bound that suits a usual descriptor limit of 1024.
func DefaultMaxConns() int { return fallbackMaxConns }
