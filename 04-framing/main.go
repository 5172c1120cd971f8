// Command 04-framing serves chapter 04: WebSocket frames read and written
// by hand on a raw TCP listener. /echo sends every message back, /chat is a
// broadcast room, / links to their pages. -trace draws every frame.
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
	"example.com/wswalk/04-framing/chat"
	"example.com/wswalk/04-framing/frame"
	"example.com/wswalk/04-framing/server"
	"example.com/wswalk/04-framing/web"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8004", "address to listen on (host:port)")
	maxMessage := flag.Int64("max-message", frame.DefaultMaxMessage, "largest message accepted, in bytes; larger ones are closed with 1009")
	trace := flag.Bool("trace", false, "print every frame, annotated bit by bit, to standard error")
	origins := flag.String("origins", "", "comma-separated origins (scheme://host[:port]) allowed to connect besides the pages this server serves, e.g. https://app.example; * allows any")
	maxConns := flag.Int("max-conns", listen.DefaultMaxConns(), "most connections served at once; more are answered 503 with Retry-After (0: no limit). The default is the descriptor limit (ulimit -n) less a reserve")
	flag.Parse()
	if *maxConns < 0 {
		fmt.Fprintf(os.Stderr, "04-framing: -max-conns must be 0 or more, got %d\n", *maxConns)
		os.Exit(2)
	}
	if *maxMessage <= 0 {
		fmt.Fprintf(os.Stderr, "04-framing: -max-message must be positive, got %d\n", *maxMessage)
		os.Exit(2)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "04-framing: cannot listen on %s: %v\n", *addr, err)
		os.Exit(1)
	}
	// The pages allowed are judged against where the server really is, its
	// listener's address, never against a request's Host (DNS rebinding).
	allowed, err := handshake.OriginsFor(ln.Addr(), splitList(*origins)...)
	if err != nil {
		fmt.Fprintf(os.Stderr, "04-framing: -origins: %v\n", err)
		os.Exit(2)
	}
	cfg := server.Config{
		Handshake:  handshake.Config{Origins: allowed},
		MaxMessage: *maxMessage,
		MaxConns:   *maxConns,
		Pages:      web.FS,
	}
	if *trace {
		cfg.Trace = server.TraceTo(os.Stderr)
	}
	srv := server.New(cfg)
	srv.Handle("/chat", (&chat.Room{}).Handle)
	log.Printf("04-framing: open http://%s/ (WebSocket at ws://%s/echo and ws://%s/chat)", ln.Addr(), ln.Addr(), ln.Addr())
	log.Printf("04-framing: pages allowed to connect: %v", allowed)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		fmt.Fprintf(os.Stderr, "04-framing: %v\n", err)
		os.Exit(1)
	case <-ctx.Done():
	}
	log.Print("04-framing: shutting down: close 1001 to every connection")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Printf("04-framing: shutdown: %v", err)
	}
	if err := <-done; !errors.Is(err, server.ErrServerClosed) {
		log.Printf("04-framing: %v", err)
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
