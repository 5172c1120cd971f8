// Command compare measures short polling, long polling, streaming (SSE) and
// WebSocket on the same stream of messages and prints one table: requests,
// bytes up and down, bytes per delivered message, what setting up cost and
// the overhead per message beyond it, delivered/expected, median and p99
// delay, and the server's CPU time. Flags and wiring only; the work is
// package compare/load.
//
//	go run ./05-gorilla-chat/cmd/compare -clients 100 -rate 1 -duration 30s -interval 1s
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"example.com/wswalk/02-longpolling/longpoll"
	"example.com/wswalk/05-gorilla-chat/compare/load"
)

func main() {
	url := flag.String("url", "", "the demo's server, such as http://127.0.0.1:8005 (loopback only; default: start one)")
	clients := flag.Int("clients", 100, "simulated clients per technique")
	rate := flag.Float64("rate", 1, "messages per second")
	duration := flag.Duration("duration", 30*time.Second, "how long to send")
	interval := flag.Duration("interval", time.Second, "how often a short-polling client asks")
	wait := flag.Duration("wait", longpoll.DefaultWait, "how long the server may hold a long poll")
	warmUp := flag.Bool("warm-up", true, "run each technique briefly, unmeasured, before measuring")
	asJSON := flag.Bool("json", false, "print JSON instead of the table")
	svg := flag.String("svg", "", "also draw the results as an SVG chart into `file`")
	quote := flag.String("quote", "", "measure nothing: print the Markdown tables the READMEs quote from a -json `file`")
	child := flag.Bool("serve-child", false, "internal: serve the demo for a parent run of this command")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("compare: ")

	if *quote != "" {
		if err := printQuotes(*quote); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *child {
		if err := load.ServeChild(os.Stdin, os.Stdout); err != nil {
			log.Fatal(err)
		}
		return
	}

	cfg := load.Config{
		URL: *url, Clients: *clients, Rate: *rate, Duration: *duration,
		Interval: *interval, Wait: *wait, WarmUp: *warmUp,
		Logf: func(format string, args ...any) { log.Printf(format, args...) },
	}
	os.Exit(run(cfg, *asJSON, *svg))
}

// run measures and prints, and returns the exit status: 0, 1 when it could
// not measure, 2 when a message was lost. It returns rather than exits so
// that the child server is always stopped.
func run(cfg load.Config, asJSON bool, svg string) int {
	// Bounded whatever happens: the warm-up, four runs of the scenario and
	// their tails, plus room to start and stop.
	limit := 4*(cfg.Duration+cfg.Interval+20*time.Second) + 30*time.Second
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	if cfg.URL == "" {
		u, stopServer, err := load.StartChild(ctx, "-serve-child")
		if err != nil {
			log.Print(err)
			return 1
		}
		defer func() {
			if err := stopServer(); err != nil {
				log.Printf("stopping the server: %v", err)
			}
		}()
		cfg.URL = u
	}
	rep, err := load.Run(ctx, cfg)
	if err != nil {
		log.Print(err)
		return 1
	}
	if err := write(rep, asJSON, svg); err != nil {
		log.Print(err)
		return 1
	}
	for _, r := range rep.Results {
		if !r.Agree() {
			log.Printf("%s: the server's counters %+v disagree with the clients' (requests %d, up %d, down %d)",
				r.Label, r.Server, r.Client.Requests, r.Client.BytesOut, r.Client.BytesIn)
		}
	}
	if rep.Lost() {
		log.Print("messages were lost: delivered/expected is not 1 (a bug, not a statistic)")
		return 2
	}
	return 0
}

func write(rep load.Report, asJSON bool, svg string) error {
	command := "go run ./05-gorilla-chat/cmd/compare " + strings.Join(os.Args[1:], " ")
	if asJSON {
		if err := load.WriteJSON(os.Stdout, load.NewOutput(rep, strings.TrimSpace(command))); err != nil {
			return err
		}
	} else if err := load.WriteTable(os.Stdout, rep); err != nil {
		return err
	}
	if svg == "" {
		return nil
	}
	f, err := os.Create(svg)
	if err != nil {
		return err
	}
	c := rep.Config
	title := fmt.Sprintf("%d clients per technique, %g message/s for %v, short polling every %v", c.Clients, c.Rate, c.Duration, c.Interval)
	if err := load.WriteSVG(f, rep, title); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// printQuotes prints a figures file's results in the two forms the texts
// quote (the test TestQuotedFiguresAreTheFigures compares them).
func printQuotes(file string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var o load.Output
	if err := json.Unmarshal(b, &o); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	fmt.Printf("measured %s by\n\t%s\n\n", o.Measured, o.Command)
	if err := load.WriteMarkdown(os.Stdout, o.Results); err != nil {
		return err
	}
	fmt.Println()
	return load.WriteSummary(os.Stdout, o.Results)
}
