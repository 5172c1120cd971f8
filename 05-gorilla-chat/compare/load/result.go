package load

import (
	"slices"
	"time"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/01-polling/wire"
)

// Result is one technique's measurement.
type Result struct {
	Technique string `json:"technique"`
	Label     string `json:"label"`
	Clients   int    `json:"clients"`
	// Counted at the server's connections for this technique, during the
	// run (connection set-up and teardown included).
	Requests  int64 `json:"requests"`
	BytesUp   int64 `json:"bytes_up"`   // client to server
	BytesDown int64 `json:"bytes_down"` // server to client
	// BytesPerMessage is (BytesUp + BytesDown) / Delivered.
	BytesPerMessage float64 `json:"bytes_per_message"`
	// What the bytes were for. SetupBytes is what setting up cost, both
	// ways: the WebSocket handshakes; each stream's request, response head
	// and "retry:" line; nothing for polling, where every question is a
	// whole exchange. PayloadBytes is the delivered messages' JSON objects,
	// the same for every technique. The rest is the cost of carrying them:
	// OverheadPerMessage is (BytesUp + BytesDown - SetupBytes -
	// PayloadBytes) / Delivered, the steady state's price of a message.
	SetupBytes         int64   `json:"setup_bytes"`
	PayloadBytes       int64   `json:"payload_bytes"`
	OverheadPerMessage float64 `json:"overhead_per_message"`
	// RequestsPerMessage is Requests / Delivered: how many questions one
	// client asked for each message it got.
	RequestsPerMessage float64 `json:"requests_per_message"`
	// Delivered counts (client, message) pairs received; Expected is
	// Clients times the messages sent.
	Delivered int64 `json:"delivered"`
	Expected  int64 `json:"expected"`
	// Empty counts answers that carried no message (polling only).
	Empty int64 `json:"empty_responses"`
	// Errors counts failed requests; anything but 0 is a bug.
	Errors int64 `json:"errors"`
	// Delays: from the moment the server stored a message to the moment a
	// client had parsed it.
	DelayP50 time.Duration `json:"-"`
	DelayP99 time.Duration `json:"-"`
	DelayMax time.Duration `json:"-"`
	// The same in milliseconds, for the JSON output.
	P50Millis float64 `json:"delay_p50_ms"`
	P99Millis float64 `json:"delay_p99_ms"`
	MaxMillis float64 `json:"delay_max_ms"`
	// CPUSeconds is the server process's CPU time (user + system) during
	// the run.
	CPUSeconds float64 `json:"server_cpu_seconds"`
	// Server and Clients are the raw counters: the server's (from
	// /compare/api/stats) and the sum of what the clients counted at their
	// own connections.
	Server wire.Stats  `json:"server"`
	Client poll.Report `json:"-"`
	// Elapsed is from the first send to the last client stopped.
	Elapsed time.Duration `json:"-"`
	// PerMessage is the median delay of each message across the clients,
	// in send order, for the chart.
	PerMessage []time.Duration `json:"-"`
	// PerMessageMillis is PerMessage in milliseconds: a tail that is one
	// late message for every client (the machine paused) shows here as
	// one high value, a tail spread over clients does not.
	PerMessageMillis []float64 `json:"per_message_p50_ms"`
}

// perDelivered divides the wire's costs by the messages delivered.
func (r *Result) perDelivered() {
	if r.Delivered == 0 {
		return
	}
	n := float64(r.Delivered)
	r.BytesPerMessage = float64(r.BytesUp+r.BytesDown) / n
	r.OverheadPerMessage = float64(r.BytesUp+r.BytesDown-r.SetupBytes-r.PayloadBytes) / n
	r.RequestsPerMessage = float64(r.Requests) / n
}

// Report is a whole run.
type Report struct {
	Config  Config   `json:"-"`
	Results []Result `json:"results"`
}

// Lost reports whether any client missed any message: a bug, never a
// statistic.
func (r Report) Lost() bool {
	for _, res := range r.Results {
		if res.Delivered != res.Expected {
			return true
		}
	}
	return false
}

// perMessage is, for each message k, the median of the clients' delays for
// it. A client receives the messages in ID order, each once, so its k-th
// delay belongs to the k-th message.
func perMessage(reports []poll.Report, n int) []time.Duration {
	out := make([]time.Duration, 0, n)
	col := make([]time.Duration, 0, len(reports))
	for k := range n {
		col = col[:0]
		for _, r := range reports {
			if k < len(r.Delays) {
				col = append(col, r.Delays[k])
			}
		}
		if len(col) == 0 {
			break
		}
		slices.Sort(col)
		out = append(out, col[len(col)/2])
	}
	return out
}

func diff(a, b wire.Stats) wire.Stats {
	return wire.Stats{
		Connections: a.Connections - b.Connections,
		Requests:    a.Requests - b.Requests,
		BytesIn:     a.BytesIn - b.BytesIn,
		BytesOut:    a.BytesOut - b.BytesOut,
	}
}

func millis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Agree reports whether the server's counters match what the clients
// counted at their own connections: the same requests, and each side read
// every byte the other wrote.
func (r Result) Agree() bool { return agree(r.Server, r.Client) }
