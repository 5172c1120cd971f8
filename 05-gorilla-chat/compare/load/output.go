package load

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// Scenario is the run's configuration as the JSON output records it.
type Scenario struct {
	Clients  int     `json:"clients_per_technique"`
	Rate     float64 `json:"rate_per_second"`
	Duration string  `json:"duration"`
	Interval string  `json:"short_poll_interval"`
	Wait     string  `json:"long_poll_wait"`
	Messages int     `json:"messages"`
}

// Machine says where the figures were measured, since they mean little
// without it.
type Machine struct {
	OS   string `json:"os"`
	Arch string `json:"arch"`
	CPUs int    `json:"cpus"`
	CPU  string `json:"cpu,omitempty"` // the model, from /proc/cpuinfo
	Go   string `json:"go"`
	// Load is the system's load average over 1, 5 and 15 minutes when
	// the run ended: the machine may be shared, and delays show it.
	Load string `json:"load_average,omitempty"`
}

// Output is what -json writes: the command, the scenario, the machine and
// one result per technique.
type Output struct {
	Command  string   `json:"command"`
	Measured string   `json:"measured"` // RFC 3339, UTC
	Scenario Scenario `json:"scenario"`
	Machine  Machine  `json:"machine"`
	Results  []Result `json:"results"`
}

// NewOutput describes rep, measured by command (the command line).
func NewOutput(rep Report, command string) Output {
	c := rep.Config
	return Output{
		Command:  command,
		Measured: time.Now().UTC().Format(time.RFC3339),
		Scenario: Scenario{
			Clients:  c.Clients,
			Rate:     c.Rate,
			Duration: c.Duration.String(),
			Interval: c.Interval.String(),
			Wait:     c.Wait.String(),
			Messages: c.Messages(),
		},
		Machine: ThisMachine(),
		Results: rep.Results,
	}
}

// ThisMachine describes the machine the program runs on.
func ThisMachine() Machine {
	return Machine{OS: runtime.GOOS, Arch: runtime.GOARCH, CPUs: runtime.NumCPU(), CPU: cpuModel(), Go: runtime.Version(), Load: loadAverage()}
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(b)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// WriteJSON writes o as indented JSON.
func WriteJSON(w io.Writer, o Output) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(o)
}

// WriteTable writes the results as one aligned text table, one row per
// technique.
func WriteTable(w io.Writer, rep Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%-15s\t", "technique")
	fmt.Fprintln(tw, "requests\tempty\tbytes up\tbytes down\tbytes/msg\tset-up bytes\toverhead/msg\tdelivered/expected\tmedian\tp99\tserver CPU s\t")
	for _, r := range rep.Results {
		fmt.Fprintf(tw, "%-15s\t%d\t%d\t%d\t%d\t%.0f\t%d\t%s\t%s\t%s\t%s\t%.2f\t\n",
			r.Label, r.Requests, r.Empty, r.BytesUp, r.BytesDown, r.BytesPerMessage, r.SetupBytes, FormatOverhead(r.OverheadPerMessage),
			ratio(r), FormatDelay(r.DelayP50), FormatDelay(r.DelayP99), r.CPUSeconds)
	}
	return tw.Flush()
}

// FormatOverhead writes bytes of overhead per message: whole bytes from
// 10 up, one decimal below (a WebSocket frame header is 2 bytes, and its
// pings add a fraction).
func FormatOverhead(b float64) string {
	if b < 10 {
		return fmt.Sprintf("%.1f", b)
	}
	return fmt.Sprintf("%.0f", b)
}

// ratio writes delivered/expected as 1.000 (3000/3000).
func ratio(r Result) string {
	if r.Expected == 0 {
		return "0/0"
	}
	return fmt.Sprintf("%.3f (%d/%d)", float64(r.Delivered)/float64(r.Expected), r.Delivered, r.Expected)
}

// FormatDelay rounds a delay to three significant figures or so: 512ms,
// 1.23ms, 87µs.
func FormatDelay(d time.Duration) string {
	switch {
	case d >= 100*time.Millisecond:
		return d.Round(time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	default:
		return d.Round(time.Microsecond).String()
	}
}
