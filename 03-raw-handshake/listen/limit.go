package listen

// reserve is the descriptors DefaultMaxConns leaves for everything but
// the connections handled (see DefaultMaxConns).
const reserve = 64

// fallbackMaxConns is DefaultMaxConns where the limit cannot be read:
// under Linux's usual `ulimit -n 1024` with room to spare.
const fallbackMaxConns = 900

// fromLimit is DefaultMaxConns for a descriptor limit n. Below 2*reserve
// the reserve would leave too little, so half of n is kept for it instead
// (a limit so small is a test's, not a server's). A huge or infinite limit
// is capped: memory ends the connections long before 1<<20 of them.
func fromLimit(n uint64) int {
	n = min(n, 1<<20)
	if n < 2*reserve {
		return max(int(n/2), 1)
	}
	return int(n - reserve)
}
