// Command 02-longpolling serves chapter 02: chapter 01's message log and
// API, with GET /messages held open until there is news (long polling) and
// GET /events streaming every message as it comes (Server-Sent Events),
// and a page for each with chapter 01's counters. Open the URL it logs.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/01-polling/site"
	"example.com/wswalk/02-longpolling/longpoll"
	"example.com/wswalk/02-longpolling/stream"
	"example.com/wswalk/02-longpolling/web"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8002", "address to listen on (host:port); :8002 to share on the network")
	tick := flag.Duration("tick", 0, "post the server's time as a message this often, e.g. 1s (0: off)")
	flag.Parse()
	if *tick < 0 {
		fmt.Fprintf(os.Stderr, "02-longpolling: -tick must not be negative, got %v\n", *tick)
		os.Exit(2)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "02-longpolling: cannot listen on %s: %v\n", *addr, err)
		os.Exit(1)
	}
	// Every append goes through the board, so it wakes the held requests;
	// the clock's too.
	board := longpoll.NewBoard(poll.NewLog())
	srv := &site.Server{API: longpoll.NewHandler(board), Store: board, Pages: web.FS, Tick: *tick,
		Routes: map[string]http.Handler{"/events": stream.NewHandler(board, stream.Options{})}}
	log.Printf("02-longpolling: open %s (long polling at /messages?since=ID&wait=30s, streaming at /events and /stream.html, counters at /stats)", site.URL(ln.Addr()))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := srv.Serve(ctx, ln); err != nil {
		fmt.Fprintf(os.Stderr, "02-longpolling: %v\n", err)
		os.Exit(1)
	}
	log.Print("02-longpolling: stopped")
}
