package history

import (
	"os"
	"testing"
)

// TestMain silences go-redis's own log, as the command does: the tests
// stop Redis on purpose, and each failed dial would print a line.
func TestMain(m *testing.M) {
	QuietDriver()
	os.Exit(m.Run())
}
