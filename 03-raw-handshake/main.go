// Command 03-raw-handshake serves chapter 03: a WebSocket handshake read and
// answered by hand on a raw TCP listener, then one hand-built text frame and
// a close frame. Open the URL it logs in a browser.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"example.com/wswalk/03-raw-handshake/handshake"
	"example.com/wswalk/03-raw-handshake/listen"
	"example.com/wswalk/03-raw-handshake/server"
	"example.com/wswalk/03-raw-handshake/web"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8003", "address to listen on (host:port)")
	origins := flag.String("origins", "", "comma-separated origins (scheme://host[:port]) allowed to connect besides the pages this server serves, e.g. https://app.example; * allows any")
	subprotocols := flag.String("subprotocols", "", "comma-separated subprotocols the server speaks, most preferred first, e.g. chat.v2,chat.v1 (none by default)")
	maxConns := flag.Int("max-conns", listen.DefaultMaxConns(), "most connections served at once; more are answered 503 with Retry-After (0: no limit). The default is the descriptor limit (ulimit -n) less a reserve")
	flag.Parse()
	if *maxConns < 0 {
		fmt.Fprintf(os.Stderr, "03-raw-handshake: -max-conns must be 0 or more, got %d\n", *maxConns)
		os.Exit(2)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "03-raw-handshake: cannot listen on %s: %v\n", *addr, err)
		os.Exit(1)
	}
	// The pages allowed are judged against where the server really is, its
	// listener's address, never against a request's Host (DNS rebinding).
	allowed, err := handshake.OriginsFor(ln.Addr(), splitList(*origins)...)
	if err != nil {
		fmt.Fprintf(os.Stderr, "03-raw-handshake: -origins: %v\n", err)
		os.Exit(2)
	}
	srv := &server.Server{
		Config:   handshake.Config{Origins: allowed, Subprotocols: splitList(*subprotocols)},
		Pages:    web.FS,
		MaxConns: *maxConns,
	}
	log.Printf("03-raw-handshake: open http://%s/ (WebSocket at ws://%s%s)", ln.Addr(), ln.Addr(), server.DefaultPath)
	log.Printf("03-raw-handshake: pages allowed to connect: %v", allowed)
	if *maxConns > 0 {
		log.Printf("03-raw-handshake: at most %d connections at once (-max-conns), more get 503", *maxConns)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()

	select {
	case err := <-done:
		fmt.Fprintf(os.Stderr, "03-raw-handshake: %v\n", err)
		os.Exit(1)
	case <-ctx.Done():
	}
	log.Print("03-raw-handshake: shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Printf("03-raw-handshake: shutdown: %v", err)
	}
	if err := <-done; !errors.Is(err, server.ErrServerClosed) {
		log.Printf("03-raw-handshake: %v", err)
	}
}

// splitList turns "a, b,,c" into [a b c].
func splitList(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
