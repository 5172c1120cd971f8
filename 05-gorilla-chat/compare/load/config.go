package load

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"example.com/wswalk/02-longpolling/longpoll"
	"example.com/wswalk/05-gorilla-chat/compare"
)

// Limits keep a run bounded on a shared machine, whatever the flags say.
const (
	MaxClients  = 2000
	MaxRate     = 100 // messages per second
	MaxDuration = 10 * time.Minute
)

// Config is one scenario.
type Config struct {
	// URL is the demo's main server (the one serving /compare), such as
	// http://127.0.0.1:8005. It must be on loopback.
	URL string
	// Clients per technique.
	Clients int
	// Rate is messages per second, sent for Duration.
	Rate     float64
	Duration time.Duration
	// Interval is how often a short-polling client asks.
	Interval time.Duration
	// Wait is how long the server may hold a long poll (?wait=).
	Wait time.Duration
	// Tail bounds the wait for the last message to reach every client
	// after the last send; 0 means Interval plus five seconds.
	Tail time.Duration
	// Techniques to run, in order; nil means all four.
	Techniques []string
	// WarmUp runs every technique once on a tiny scenario before
	// measuring, unmeasured, so the first technique measured does not pay
	// for the server's start (its heap growing, its code paged in).
	WarmUp bool
	// Logf, when set, is told what happens (progress lines).
	Logf func(format string, args ...any)
}

// Messages is how many messages the scenario sends.
func (c Config) Messages() int {
	return max(1, int(c.Rate*c.Duration.Seconds()+0.5))
}

func (c *Config) check() error {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("url must be http://host:port of the demo, got %q", c.URL)
	}
	if !isLoopback(u.Hostname()) {
		return fmt.Errorf("url must be on loopback (127.0.0.1, ::1 or localhost), got %q: this is a load generator", u.Hostname())
	}
	switch {
	case c.Clients < 1 || c.Clients > MaxClients:
		return fmt.Errorf("clients must be 1 to %d, got %d", MaxClients, c.Clients)
	case c.Rate <= 0 || c.Rate > MaxRate:
		return fmt.Errorf("rate must be above 0 and at most %d messages/s, got %v", MaxRate, c.Rate)
	case c.Duration <= 0 || c.Duration > MaxDuration:
		return fmt.Errorf("duration must be above 0 and at most %v, got %v", MaxDuration, c.Duration)
	case c.Interval <= 0:
		return fmt.Errorf("interval must be above 0, got %v", c.Interval)
	case c.Wait <= 0 || c.Wait > longpoll.MaxWait:
		return fmt.Errorf("wait must be above 0 and at most %v, got %v", longpoll.MaxWait, c.Wait)
	}
	if c.Tail == 0 {
		c.Tail = c.Interval + 5*time.Second
	}
	if c.Techniques == nil {
		c.Techniques = compare.Names
	}
	for _, t := range c.Techniques {
		if !slices.Contains(compare.Names, t) {
			return fmt.Errorf("unknown technique %q (want %s)", t, strings.Join(compare.Names, ", "))
		}
	}
	if c.Logf == nil {
		c.Logf = func(string, ...any) {}
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
