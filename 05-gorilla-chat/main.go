// Command 05-gorilla-chat serves the chat room: the page at /, the room at
// /ws, gorilla's echo at /echo. Flags and wiring only; the room is package chat.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"example.com/wswalk/01-polling/site"
	"example.com/wswalk/05-gorilla-chat/chat"
	"example.com/wswalk/05-gorilla-chat/compare"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8005", "listen address (`host:port`; :8005 to share on the network)")
	origins := flag.String("origins", "", "comma-separated extra `origins` allowed to open the room (http://host:port)")
	secret := flag.String("secret", os.Getenv("WSWALK_SECRET"), "key signing the username cookie (default $WSWALK_SECRET, else random per run)")
	ping := flag.Duration("ping", chat.DefaultPingPeriod, "keepalive ping interval")
	pong := flag.Duration("pong", chat.DefaultPongWait, "how long past a ping to wait for the pong")
	maxMessage := flag.Int64("max-message", chat.DefaultMaxMessage, "read limit per message in `bytes` (over it: close 1009)")
	queue := flag.Int("queue", chat.DefaultSendQueue, "events queued per client before a slow one is dropped (1008)")
	compress := flag.Bool("compress", false, "negotiate permessage-deflate")
	tick := flag.Duration("tick", 0, "post the time at this interval (0: never)")
	flag.Parse()

	cfg := chat.Config{
		Origins:    splitList(*origins),
		Secret:     []byte(*secret),
		PingPeriod: *ping,
		PongWait:   *pong,
		MaxMessage: *maxMessage,
		SendQueue:  *queue,
		Compress:   *compress,
		Tick:       *tick,
	}
	room := chat.NewServer(cfg)

	// /compare: the side-by-side page (short polling, long polling and
	// WebSocket fed by one source), its techniques on ports of their own.
	demo, err := compare.New(compare.Options{Host: compare.HostFor(*addr), Tick: *tick, Origins: cfg.Origins})
	if err != nil {
		fmt.Fprintln(os.Stderr, "05-gorilla-chat: cannot start:", err)
		os.Exit(1)
	}
	defer demo.Close() // after the room: its WebSockets get 1001 too
	room.Handle("/compare", demo.Handler())
	room.Handle("/compare/", demo.Handler())

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "05-gorilla-chat: cannot start:", err)
		os.Exit(1)
	}
	srv := site.NewServer(room, site.Timeouts{}) // header, body and idle timeouts
	slog.Info("chat room listening", "url", "http://"+ln.Addr().String()+"/")

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	select {
	case err := <-serveErr:
		fmt.Fprintln(os.Stderr, "05-gorilla-chat:", err)
		os.Exit(1)
	case <-ctx.Done():
	}

	slog.Info("shutting down: closing every connection with 1001")
	ctx, cancel := context.WithTimeout(context.Background(), 900*time.Millisecond)
	defer cancel()
	// Both at once, within the second: the http.Server stops accepting and
	// waits for plain requests (a long poll of /compare may take all of
	// it); the room closes the WebSockets, which the http.Server no longer
	// tracks once they are upgraded.
	httpDone := make(chan struct{})
	go func() { srv.Shutdown(ctx); close(httpDone) }()
	if err := room.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		slog.Warn("shutdown", "err", err)
	}
	<-httpDone
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
