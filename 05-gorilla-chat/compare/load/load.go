// Package load measures the four techniques of the side-by-side demo on
// identical work: C clients per technique, one message stream at a fixed
// rate, every message to every client, and the costs counted at the
// server's connections. It is the core of the command cmd/compare.
//
// The techniques run one after another, each with the machine to itself,
// so the server CPU time spent during a run belongs to that technique alone
// and no technique's load slows another's delivery.
//
//	for each technique:
//	  read the server's counters ─ start C clients ─ send N messages at R/s
//	  ─ wait for every client to have all N ─ quiet the clients (no new
//	  request, none cut short) ─ read the counters again once they agree
//	  with the clients' own: the difference is the technique's cost
//	  ─ drop the clients
package load

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"time"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/05-gorilla-chat/compare"
)

// Run measures every technique of cfg in turn and returns what it saw. It
// returns an error only when it could not measure (bad config, server
// unreachable); lost messages show in the Report (see Lost).
func Run(ctx context.Context, cfg Config) (Report, error) {
	if err := cfg.check(); err != nil {
		return Report{}, err
	}
	api := newAPI(cfg.URL)
	conf, err := api.config(ctx)
	if err != nil {
		return Report{}, err
	}
	techs := make([]compare.Technique, len(cfg.Techniques))
	for i, name := range cfg.Techniques {
		for _, t := range conf.Techniques {
			if t.Name == name {
				techs[i] = t
			}
		}
		if techs[i].Port == 0 {
			return Report{}, fmt.Errorf("the server at %s does not offer %s", cfg.URL, name)
		}
	}
	if cfg.WarmUp {
		warm := cfg
		warm.Clients, warm.Rate, warm.Duration, warm.Interval = min(cfg.Clients, 10), 10, 300*time.Millisecond, 100*time.Millisecond
		warm.Logf = func(string, ...any) {}
		cfg.Logf("warming up the server")
		for _, tech := range techs {
			if _, err := runOne(ctx, warm, api, tech); err != nil {
				return Report{}, fmt.Errorf("warm-up: %s: %w", tech.Label, err)
			}
		}
	}
	rep := Report{Config: cfg}
	for _, tech := range techs {
		res, err := runOne(ctx, cfg, api, tech)
		if err != nil {
			return rep, fmt.Errorf("%s: %w", tech.Label, err)
		}
		rep.Results = append(rep.Results, res)
	}
	return rep, nil
}

// runOne measures one technique.
func runOne(ctx context.Context, cfg Config, api *api, tech compare.Technique) (Result, error) {
	u, _ := url.Parse(cfg.URL)
	base := "http://" + net.JoinHostPort(u.Hostname(), fmt.Sprint(tech.Port))
	cfg.Logf("%s: %d clients at %s", tech.Label, cfg.Clients, base)

	before, err := api.stats(ctx)
	if err != nil {
		return Result{}, err
	}
	start := before.LastID

	clientsCtx, stopClients := context.WithCancel(ctx)
	defer stopClients()
	stop := make(chan struct{})
	clients := make([]client, cfg.Clients)
	for i := range clients {
		switch tech.Name {
		case compare.Short:
			clients[i] = newShort(base, cfg.Interval, start)
		case compare.Long:
			clients[i] = newLong(base, cfg.Wait, start)
		case compare.Stream:
			clients[i] = newSSE(base, start)
		case compare.WebSocket:
			clients[i] = newWS(base, start)
		}
	}
	running := startClients(clientsCtx, stop, tech.Name, clients, cfg.Interval)
	abort := func(err error) (Result, error) {
		stopClients()
		running.Wait()
		return Result{}, err
	}

	// Send only once every client has made its first request, so the first
	// message does not meet a client still connecting.
	if err := api.waitRequests(ctx, tech.Name, before.Techniques[tech.Name].Requests+int64(cfg.Clients), cfg.Interval+10*time.Second); err != nil {
		return abort(fmt.Errorf("clients did not start: %w", err))
	}
	if err := waitReady(ctx, clients, running, cfg.Interval+10*time.Second); err != nil {
		return abort(err)
	}

	began := time.Now()
	n := cfg.Messages()
	last, err := send(ctx, api, n, cfg.Rate, tech.Name)
	if err != nil {
		return abort(err)
	}
	want := last - start // every message after start, ours and any other source's

	// The tail: the last message is still on its way to some clients (a
	// short poller sees it only at its next visit). Stop counting only when
	// every client has it, or when Tail says something is lost.
	deadline := time.Now().Add(cfg.Tail)
	for !allHave(clients, want) && time.Now().Before(deadline) && ctx.Err() == nil && running.err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	elapsed := time.Since(began)

	// Quiet the clients without cutting a request in half: short pollers
	// finish the request in flight and stop; long pollers leave their
	// last question held, its request counted and its answer not yet due;
	// WebSockets sit idle. Then both ends' counters must agree.
	close(stop)
	if tech.Name == compare.Short {
		running.Wait()
	}
	total := func() poll.Report {
		var sum poll.Report
		for _, c := range clients {
			r := c.Report()
			r.Delays = nil
			sum = sum.Add(r)
		}
		return sum
	}
	after, err := api.settle(ctx, tech.Name, before.Techniques[tech.Name], total)
	if err != nil {
		return abort(err)
	}
	if err := running.err(); err != nil {
		return abort(fmt.Errorf("a client failed: %w", err))
	}

	res := Result{Technique: tech.Name, Label: tech.Label, Clients: cfg.Clients, Elapsed: elapsed}
	var reports []poll.Report
	for _, c := range clients {
		r := c.Report()
		reports = append(reports, r)
		res.Client = res.Client.Add(r)
		res.Delivered += min(r.Messages, want)
		t := c.Tally()
		res.SetupBytes += t.Setup
		res.PayloadBytes += t.Payload
	}
	res.Expected = want * int64(cfg.Clients)
	res.Empty = res.Client.Empty
	res.Errors = res.Client.Errors

	// Now drop the clients: whatever this costs (held long polls cut, the
	// WebSocket closing handshake) is after the measurement.
	stopClients()
	running.Wait()

	res.Server = diff(after.Techniques[tech.Name], before.Techniques[tech.Name])
	res.CPUSeconds = after.CPUSeconds - before.CPUSeconds
	res.Requests = res.Server.Requests
	res.BytesUp, res.BytesDown = res.Server.BytesIn, res.Server.BytesOut
	res.perDelivered()
	res.DelayP50 = res.Client.DelayQuantile(0.50)
	res.DelayP99 = res.Client.DelayQuantile(0.99)
	res.DelayMax = res.Client.DelayQuantile(1)
	res.P50Millis, res.P99Millis, res.MaxMillis = millis(res.DelayP50), millis(res.DelayP99), millis(res.DelayMax)
	res.PerMessage = perMessage(reports, int(want))
	for _, d := range res.PerMessage {
		res.PerMessageMillis = append(res.PerMessageMillis, millis(d))
	}
	cfg.Logf("%s: delivered %d/%d, median %v, p99 %v", tech.Label, res.Delivered, res.Expected,
		res.DelayP50.Round(time.Microsecond), res.DelayP99.Round(time.Microsecond))
	return res, nil
}

// waitReady waits until every client is set up (has had a first answer,
// or has its stream or WebSocket open), so that the first message does not
// meet a client still connecting and the set-up bytes are the set-up's
// alone.
func waitReady(ctx context.Context, clients []client, running *group, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		if err := running.err(); err != nil {
			return err
		}
		ready := 0
		for _, c := range clients {
			if c.Tally().Ready {
				ready++
			}
		}
		switch {
		case ready == len(clients):
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case time.Now().After(deadline):
			return fmt.Errorf("clients did not start: %d of %d ready after %v", ready, len(clients), timeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func allHave(clients []client, want int64) bool {
	for _, c := range clients {
		if c.Report().Messages < want {
			return false
		}
	}
	return true
}

// send publishes n messages at rate per second through the demo's send
// endpoint (the main port, so sending costs no technique anything) and
// returns the ID of the last.
func send(ctx context.Context, api *api, n int, rate float64, tag string) (int64, error) {
	every := time.Duration(float64(time.Second) / rate)
	t := time.NewTicker(every)
	defer t.Stop()
	var last int64
	for k := 1; k <= n; k++ {
		m, err := api.send(ctx, "load", fmt.Sprintf("%s message %d of %d", tag, k, n))
		if err != nil {
			return last, fmt.Errorf("send message %d: %w", k, err)
		}
		last = m.ID
		if k == n {
			break
		}
		select {
		case <-ctx.Done():
			return last, ctx.Err()
		case <-t.C:
		}
	}
	return last, nil
}
