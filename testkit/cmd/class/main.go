// Command class builds the six servers of the course and runs them at once,
// each on its own port, prints one table of where to go, and stops them all
// on Ctrl-C (SIGINT) or SIGTERM, leaving no process and no port behind.
//
//	make class                      (from the repository root)
//	go run ./testkit/cmd/class -ports 9001,9002,9003,9004,9005,9006
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

// The servers are started from the main goroutine, locked to the main
// thread: the kernel's Pdeathsig follows the thread that started a child,
// and this one lives as long as the process.
func init() { runtime.LockOSThread() }

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "class:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("class", flag.ContinueOnError)
	root := fs.String("root", ".", "the repository root (where go.work is)")
	bin := fs.String("bin", "bin", "where to build the servers (relative to -root unless absolute)")
	host := fs.String("host", "127.0.0.1", "the address every server listens on; 0.0.0.0 to share with the class")
	ports := fs.String("ports", "8001,8002,8003,8004,8005,8006", "the six ports, chapter 01 first")
	if err := fs.Parse(args); err != nil {
		return err
	}
	servers, err := plan(*host, *ports)
	if err != nil {
		return err
	}
	// Refuse before starting anything: one clear reason beats five servers
	// up and a sixth failing in the middle of their logs.
	for _, s := range servers {
		if err := portFree(s.Addr, s.Port); err != nil {
			return fmt.Errorf("%s cannot start: %v; stop it, or pass -ports", s.Dir, err)
		}
	}
	binDir := *bin
	if !strings.HasPrefix(binDir, "/") {
		binDir = *root + "/" + binDir
	}
	fmt.Fprintln(os.Stderr, "class: building the six servers into", binDir)
	if err := build(*root, binDir); err != nil {
		return err
	}

	stopSignal := make(chan os.Signal, 1)
	signal.Notify(stopSignal, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(stopSignal)

	err = serve(servers, binDir, stopSignal)
	stopAll(servers)
	return err
}

// plan pairs each chapter with its address.
func plan(host, ports string) ([]*server, error) {
	list := strings.Split(ports, ",")
	if len(list) != len(course) {
		return nil, fmt.Errorf("-ports %q: want %d ports, chapter 01 first", ports, len(course))
	}
	servers := make([]*server, len(course))
	for i, c := range course {
		p, err := strconv.Atoi(strings.TrimSpace(list[i]))
		if err != nil || p < 1 || p > 65535 {
			return nil, fmt.Errorf("-ports: %q is not a port", list[i])
		}
		c.Port = p
		servers[i] = &server{chapter: c, Addr: host + ":" + strconv.Itoa(p)}
	}
	servers[len(servers)-1].Open = historyNote()
	return servers, nil
}

// serve starts every server, waits until each answers, prints the table,
// then waits for a stop signal or for a server to end on its own.
func serve(servers []*server, bin string, stopSignal <-chan os.Signal) error {
	for _, s := range servers {
		if err := s.start(bin); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "class: started %s (pid %d)\n", s.Dir, s.cmd.Process.Pid)
	}
	for _, s := range servers {
		if err := s.waitUp(30 * time.Second); err != nil {
			return err
		}
	}
	printTable(servers)
	ended := make(chan *server, len(servers))
	for _, s := range servers {
		go func() { <-s.done; ended <- s }()
	}
	select {
	case sig := <-stopSignal:
		fmt.Fprintf(os.Stderr, "class: %v: stopping the six servers\n", sig)
		return nil
	case s := <-ended:
		return fmt.Errorf("%s stopped on its own (%v): stopping the others", s.Dir, s.err)
	}
}

// stopAll stops the servers in parallel and returns when every one has
// exited; it reports any that did not exit cleanly.
func stopAll(servers []*server) {
	done := make(chan struct{})
	for _, s := range servers {
		go func() { s.stop(10 * time.Second); done <- struct{}{} }()
	}
	for range servers {
		<-done
	}
	var unclean []string
	for _, s := range servers {
		if s.cmd != nil && !s.exitedCleanly() {
			unclean = append(unclean, fmt.Sprintf("%s (%v)", s.Dir, s.err))
		}
	}
	if len(unclean) > 0 {
		fmt.Fprintln(os.Stderr, "class: exited badly:", strings.Join(unclean, ", "))
	}
	fmt.Fprintln(os.Stderr, "class: all stopped, every port free")
}

// printTable writes the one table a class needs: chapter, URL, what to open.
func printTable(servers []*server) {
	w := tabwriter.NewWriter(os.Stderr, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "\nchapter\tURL\twhat to open")
	for _, s := range servers {
		fmt.Fprintf(w, "%s\t%s\t%s\n", s.Dir, s.URL(), s.Open)
	}
	_ = w.Flush()
	fmt.Fprintf(os.Stderr, "\nclass: all six are up; open %s for the main demo; Ctrl-C stops them all\n", servers[4].URL())
}
