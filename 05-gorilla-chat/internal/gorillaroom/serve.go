package gorillaroom

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
	"time"
)

// Main runs the reference room as a command, "-addr host:port" (default
// 127.0.0.1:8015), so that it can be measured in a process of its own, as
// chapter 05's command is: its memory is then its own. It logs the URL the
// way cmdtest looks for it ("open http://...") and exits 0 on SIGINT or
// SIGTERM.
func Main() {
	fs := flag.NewFlagSet("gorillaroom", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:8015", "listen address (`host:port`)")
	fs.Parse(os.Args[1:])

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gorillaroom: cannot start:", err)
		os.Exit(1)
	}
	room := New()
	srv := &http.Server{Handler: room, ReadHeaderTimeout: 10 * time.Second}
	log.Printf("reference room: open http://%s/", ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		if err := srv.Serve(ln); err != http.ErrServerClosed {
			fmt.Fprintln(os.Stderr, "gorillaroom:", err)
			os.Exit(1)
		}
	}()
	<-ctx.Done()
	// Upgraded connections are not the http.Server's any more: the hub
	// closes them.
	shutdown, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	srv.Shutdown(shutdown)
	room.Close()
}
