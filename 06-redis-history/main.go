// Command 06-redis-history serves chapter 05's chat room with its history in
// Redis and its events on Redis Pub/Sub, so several processes on one Redis
// and room are one chat: the page at /, the room at /ws, gorilla's echo at
// /echo, the history's health at /status. Flags and wiring only; the room
// is package chat (chapter 05), the Redis part package history.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"example.com/wswalk/01-polling/site"
	"example.com/wswalk/05-gorilla-chat/chat"
	"example.com/wswalk/05-gorilla-chat/compare"
	"example.com/wswalk/06-redis-history/history"
	"example.com/wswalk/06-redis-history/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stderr, nil)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return // -h: the usage was the answer
	case err != nil:
		fmt.Fprintln(os.Stderr, "06-redis-history:", err)
		os.Exit(1)
	}
}

// run starts the server with args and serves until ctx ends; listening, if
// not nil, is told the address once the port is open.
func run(ctx context.Context, args []string, stderr io.Writer, listening func(addr string)) error {
	fs := flag.NewFlagSet("06-redis-history", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8006", "listen address (`host:port`; :8006 to share on the network)")
	redisURL := fs.String("redis", envOr("REDIS_URL", "redis://127.0.0.1:6379/0"), "Redis `URL` (default $REDIS_URL, else redis://127.0.0.1:6379/0)")
	room := fs.String("room", history.DefaultRoom, "room `name`: the prefix of its Redis keys")
	keep := fs.Int("history", chat.DefaultHistory, "messages kept for joiners")
	requireRedis := fs.Bool("require-redis", false, "refuse to start without Redis (default: warn and keep history in memory)")
	origins := fs.String("origins", "", "comma-separated extra `origins` allowed to open the room (http://host:port)")
	secret := fs.String("secret", os.Getenv("WSWALK_SECRET"), "key signing the username cookie (default $WSWALK_SECRET, else random per run)")
	ping := fs.Duration("ping", chat.DefaultPingPeriod, "keepalive ping interval")
	pong := fs.Duration("pong", chat.DefaultPongWait, "how long past a ping to wait for the pong")
	maxMessage := fs.Int64("max-message", chat.DefaultMaxMessage, "read limit per message in `bytes` (over it: close 1009)")
	queue := fs.Int("queue", chat.DefaultSendQueue, "events queued per client before a slow one is dropped (1008)")
	compress := fs.Bool("compress", false, "negotiate permessage-deflate")
	tick := fs.Duration("tick", 0, "post the time at this interval (0: never)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	history.QuietDriver()

	cfg := chat.Config{
		Origins:    splitList(*origins),
		Secret:     []byte(*secret),
		PingPeriod: *ping,
		PongWait:   *pong,
		MaxMessage: *maxMessage,
		SendQueue:  *queue,
		Compress:   *compress,
		Tick:       *tick,
		Page:       web.FS,
		Logger:     logger,
	}
	opts := history.Options{URL: *redisURL, Room: *room, Keep: *keep, Logger: logger}
	store, err := history.Open(ctx, opts)
	var relay *history.Relay
	switch {
	case err == nil:
		defer store.Close()
		relay = history.NewRelay(store, opts)
		defer relay.Close() // after the chat server's shutdown: deferred later
		cfg.History, cfg.Relay = store, relay
		logger.Info("history and room on Redis", "redis", *redisURL, "room", *room)
	case *requireRedis:
		return fmt.Errorf("cannot start: %w (-require-redis)", err)
	default:
		logger.Warn("Redis unreachable: history kept in this process only, and this server is a room of its own",
			"err", err)
		cfg.History = chat.NewMemoryHistory(*keep)
	}
	srv := chat.NewServer(cfg)
	if relay != nil {
		relay.Start(srv)
	}
	srv.Handle("/status", history.StatusHandler(relay))
	// /compare: chapter 05's side-by-side page, its techniques on ports of
	// their own.
	demo, err := compare.New(compare.Options{Host: compare.HostFor(*addr), Tick: *tick, Origins: cfg.Origins})
	if err != nil {
		shutdown(srv, nil)
		return fmt.Errorf("cannot start: %w", err)
	}
	defer demo.Close() // after the room: its WebSockets get 1001 too
	srv.Handle("/compare", demo.Handler())
	srv.Handle("/compare/", demo.Handler())

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		shutdown(srv, nil)
		return fmt.Errorf("cannot start: %w", err)
	}
	hs := site.NewServer(srv, site.Timeouts{}) // header, body and idle timeouts
	logger.Info("chat room listening", "url", "http://"+ln.Addr().String()+"/")
	if listening != nil {
		listening(ln.Addr().String())
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	select {
	case err := <-serveErr:
		shutdown(srv, nil)
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: closing every connection with 1001")
	shutdown(srv, hs)
	return nil
}

// shutdown stops accepting, closes every WebSocket with 1001 and ends the
// relay subscription, within a second.
func shutdown(srv *chat.Server, hs *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 900*time.Millisecond)
	defer cancel()
	if hs != nil {
		hs.Shutdown(ctx) // hijacked WebSockets are the room's to close
	}
	if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		slog.Warn("shutdown", "err", err)
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
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
