package conformance

import (
	"context"
	"net"
	"testing"
	"time"

	"example.com/wswalk/04-framing/server"
)

// startHandRolled runs chapter 04's server, with /echo mounted, on a free
// loopback port.
func startHandRolled(t testing.TB) Target {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Config{
		MaxMessage: suiteLimit,
		// Short enough that a server waiting for the suite's answer to its
		// close cannot outlast a case; long enough for a loaded machine.
		CloseWait: 2 * time.Second,
		Logf:      func(string, ...any) {},
	})
	go srv.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return Target{
		Name:       "hand-rolled",
		Addr:       ln.Addr().String(),
		Path:       server.EchoPath,
		MaxMessage: suiteLimit,
	}
}

// TestHandRolled runs the suite against chapter 04's server. It has no
// deviations: every case must pass.
func TestHandRolled(t *testing.T) {
	t.Parallel()
	Run(t, startHandRolled(t))
}
