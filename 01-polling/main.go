// Command 01-polling serves chapter 01: a message log over plain HTTP and a
// page that asks it for news every second (short polling), with live
// counters of what that costs. Open the URL it logs in a browser.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"syscall"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/01-polling/site"
	"example.com/wswalk/01-polling/web"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8001", "address to listen on (host:port); :8001 to share on the network")
	tick := flag.Duration("tick", 0, "post the server's time as a message this often, e.g. 1s (0: off)")
	flag.Parse()
	if *tick < 0 {
		fmt.Fprintf(os.Stderr, "01-polling: -tick must not be negative, got %v\n", *tick)
		os.Exit(2)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "01-polling: cannot listen on %s: %v\n", *addr, err)
		os.Exit(1)
	}
	store := poll.NewLog()
	srv := &site.Server{API: poll.NewHandler(store), Store: store, Pages: web.FS, Tick: *tick}
	log.Printf("01-polling: open %s (API at /messages, counters at /stats)", site.URL(ln.Addr()))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := srv.Serve(ctx, ln); err != nil {
		fmt.Fprintf(os.Stderr, "01-polling: %v\n", err)
		os.Exit(1)
	}
	log.Print("01-polling: stopped")
}
