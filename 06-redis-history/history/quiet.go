package history

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// QuietDriver silences go-redis's own log lines (one per failed dial of
// its connection pool, many a second while Redis is down): a Room reports
// Redis trouble itself, once, in its own words. It changes a process-wide
// setting, so it is the command's choice to make, not Open's.
func QuietDriver() { redis.SetLogger(discard{}) }

type discard struct{}

func (discard) Printf(context.Context, string, ...any) {}
