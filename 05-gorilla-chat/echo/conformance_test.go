package echo_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"example.com/wswalk/04-framing/conformance"
	"example.com/wswalk/05-gorilla-chat/echo"
)

// closeOneByte is what gorilla v1.5.3 does with a close frame whose
// payload is 1 byte: it reports it to the close handler exactly as an
// empty close (code 1005, no text) and answers with an empty close. The
// handler never sees the payload's length, so the application cannot
// tell the two apart; only a second frame parser under gorilla could.
const closeOneByte = "a 1-byte close payload reaches the close handler as an empty close (1005) and is answered with an empty close, not failed with 1002 (§5.5.1); gorilla's API does not show the payload's length"

// deviations are the cases where the echo departs from RFC 6455 because
// gorilla does and gives the application no way around it. The suite
// checks that each still deviates.
var deviations = map[string]string{
	"7.3.2": closeOneByte,
	"7.x2":  closeOneByte,
}

// start serves an echo Handler for cfg on a free loopback port and shuts
// both down when the test ends.
func start(t testing.TB, cfg echo.Config) (*echo.Handler, string) {
	h := echo.New(cfg)
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		h.Shutdown(ctx)
	})
	return h, strings.TrimPrefix(srv.URL, "http://")
}

// TestConformance runs the whole suite against the echo as chapter 05
// serves it, with the default 64 KiB limit.
func TestConformance(t *testing.T) {
	t.Parallel()
	_, addr := start(t, echo.Config{})
	conformance.Run(t, conformance.Target{
		Name:       "05 echo",
		Addr:       addr,
		Path:       "/",
		MaxMessage: echo.DefaultMaxMessage,
		Deviations: deviations,
	})
}

// TestConformanceLarge runs it again with a 16 MiB limit, so that the
// volume cases move the megabytes the default limit skips.
func TestConformanceLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("16 MiB messages")
	}
	t.Parallel()
	const limit = 16 << 20
	_, addr := start(t, echo.Config{MaxMessage: limit})
	conformance.Run(t, conformance.Target{
		Name:       "05 echo, 16 MiB",
		Addr:       addr,
		Path:       "/",
		MaxMessage: limit,
		Deviations: deviations,
	})
}
