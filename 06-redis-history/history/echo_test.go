package history

import (
	"strings"
	"testing"

	"example.com/wswalk/04-framing/conformance"
	"example.com/wswalk/05-gorilla-chat/chat"
	"example.com/wswalk/testkit/redistest"
)

// TestEchoConformance runs chapter 04's conformance suite against this
// chapter's /echo, as a server on Redis serves it: the same contract as
// chapters 04 and 05, and the same two departures gorilla leaves no way
// around (a 1-byte close payload reads as an empty close).
func TestEchoConformance(t *testing.T) {
	t.Parallel()
	url := redistest.URL(t)
	n := startNode(t, url, uniqueRoom(t, url), 100, nil)
	conformance.Run(t, conformance.Target{
		Name:       "06 echo",
		Addr:       strings.TrimPrefix(n.http.URL, "http://"),
		Path:       "/echo",
		MaxMessage: chat.DefaultMaxMessage,
		Deviations: map[string]string{
			"7.3.2": "a 1-byte close payload reaches gorilla's close handler as an empty close",
			"7.x2":  "a 1-byte close payload reaches gorilla's close handler as an empty close",
		},
	})
}
