package load

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"example.com/wswalk/01-polling/wire"
	"example.com/wswalk/05-gorilla-chat/compare"
)

// startDemo serves a demo in-process, as the command does without -url.
func startDemo(t *testing.T) (*compare.Demo, string) {
	t.Helper()
	d, err := compare.New(compare.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(d.Handler())
	t.Cleanup(func() {
		srv.Close()
		d.Close()
	})
	return d, srv.URL
}

// TestRunDeliversEverything runs a short scenario of the command on all
// four techniques: every client gets every message, and what the clients
// counted at their own connections is what the server's stats say.
func TestRunDeliversEverything(t *testing.T) {
	d, url := startDemo(t)
	cfg := Config{
		URL:      url,
		Clients:  4,
		Rate:     5,
		Duration: time.Second,
		Interval: 50 * time.Millisecond,
		Wait:     30 * time.Second,
	}
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rep.Results {
		got = append(got, r.Technique)
	}
	if diff := cmp.Diff(compare.Names, got); diff != "" {
		t.Fatalf("techniques measured (-want +got):\n%s", diff)
	}
	if rep.Lost() {
		t.Errorf("Lost() = true, want every message delivered")
	}
	for _, r := range rep.Results {
		t.Run(r.Technique, func(t *testing.T) {
			if r.Expected != int64(cfg.Clients*cfg.Messages()) || r.Delivered != r.Expected {
				t.Errorf("delivered %d of %d, want all %d", r.Delivered, r.Expected, cfg.Clients*cfg.Messages())
			}
			if r.Errors != 0 {
				t.Errorf("%d failed requests, want 0", r.Errors)
			}
			// The server's counters, from /compare/api/stats, against the
			// sum of the clients' own: same requests, each side read what
			// the other wrote.
			want := wire.Stats{Requests: r.Client.Requests, BytesIn: r.Client.BytesOut, BytesOut: r.Client.BytesIn}
			got := wire.Stats{Requests: r.Requests, BytesIn: r.BytesUp, BytesOut: r.BytesDown}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("server counters against the clients' (-clients +server):\n%s", diff)
			}
			if len(r.Client.Delays) != int(r.Delivered) || len(r.PerMessage) != cfg.Messages() {
				t.Errorf("%d delays and %d per-message medians for %d deliveries of %d messages",
					len(r.Client.Delays), len(r.PerMessage), r.Delivered, cfg.Messages())
			}
			if r.BytesPerMessage <= 0 || r.DelayP50 <= 0 || r.DelayP99 < r.DelayP50 {
				t.Errorf("bytes/message %v, p50 %v, p99 %v: want positive and ordered", r.BytesPerMessage, r.DelayP50, r.DelayP99)
			}
		})
	}
	byName := map[string]Result{}
	for _, r := range rep.Results {
		byName[r.Technique] = r
	}
	short, long, sse, ws := byName[compare.Short], byName[compare.Long], byName[compare.Stream], byName[compare.WebSocket]
	// The lesson in a few inequalities, safe on any machine: a short
	// poller asks whether or not there is news, a long poller once per
	// message, a stream and a WebSocket once in all.
	if ws.Requests != int64(cfg.Clients) || sse.Requests != int64(cfg.Clients) {
		t.Errorf("WebSocket requests = %d, stream requests = %d, want one per client (%d)", ws.Requests, sse.Requests, cfg.Clients)
	}
	// What the bytes were for: polling sets nothing up and pays a whole
	// exchange per message; the two that push pay their set-up once, then
	// a few bytes a message (an SSE event's "id:", "data:" and blank line;
	// a WebSocket frame's 2-byte header).
	for _, r := range rep.Results {
		if per := float64(r.PayloadBytes) / float64(r.Delivered); per < 60 || per > 200 {
			t.Errorf("%s: %.0f payload bytes per message, want the ~100 of one message's JSON", r.Technique, per)
		}
	}
	if short.SetupBytes != 0 || long.SetupBytes != 0 || sse.SetupBytes <= 0 || ws.SetupBytes <= 0 {
		t.Errorf("set-up bytes short %d, long %d, stream %d, ws %d: want 0, 0, >0, >0",
			short.SetupBytes, long.SetupBytes, sse.SetupBytes, ws.SetupBytes)
	}
	if !(long.OverheadPerMessage > 100 && sse.OverheadPerMessage < 40 && ws.OverheadPerMessage < 10 && ws.OverheadPerMessage >= 2) {
		t.Errorf("overhead per message long %.1f, stream %.1f, ws %.1f: want a request's head (>100), an event's lines (<40), a frame header (2 to 10)",
			long.OverheadPerMessage, sse.OverheadPerMessage, ws.OverheadPerMessage)
	}
	if !(short.Empty > 0 && short.Requests > long.Requests && long.Requests > ws.Requests) {
		t.Errorf("requests short %d (empty %d), long %d, ws %d: want short > long > ws and empty short answers",
			short.Requests, short.Empty, long.Requests, ws.Requests)
	}
	if !(short.BytesPerMessage > ws.BytesPerMessage && long.BytesPerMessage > ws.BytesPerMessage) {
		t.Errorf("bytes per message short %.0f, long %.0f, ws %.0f: want WebSocket the least",
			short.BytesPerMessage, long.BytesPerMessage, ws.BytesPerMessage)
	}
	t.Run("output", func(t *testing.T) { checkOutput(t, rep) })
	// The demo's clock stayed off and the log holds exactly what was sent.
	if got, want := d.Stats().LastID, int64(len(compare.Names)*cfg.Messages()); got != want {
		t.Errorf("demo's last ID = %d, want %d (%d runs of %d)", got, want, len(compare.Names), cfg.Messages())
	}
}

// TestPerDelivered: what a run's bytes cost per delivered message, and
// what is left of them once the set-up and the messages themselves are
// taken away.
func TestPerDelivered(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   Result
		want [3]float64 // bytes, overhead, requests per message
	}{
		// Ten short polls for two messages of 100 bytes: every byte not a
		// message is overhead.
		{"polling", Result{Requests: 10, BytesUp: 1100, BytesDown: 1900, PayloadBytes: 200, Delivered: 2}, [3]float64{1500, 1400, 5}},
		// One WebSocket: a 326-byte handshake, then 2 frames of 2 + 100.
		{"websocket", Result{Requests: 1, BytesUp: 197, BytesDown: 129 + 204, SetupBytes: 326, PayloadBytes: 200, Delivered: 2}, [3]float64{265, 2, 0.5}},
		{"nothing delivered", Result{Requests: 3, BytesUp: 300}, [3]float64{0, 0, 0}},
	}
	for _, tt := range tests {
		r := tt.in
		r.perDelivered()
		if diff := cmp.Diff(tt.want, [3]float64{r.BytesPerMessage, r.OverheadPerMessage, r.RequestsPerMessage}); diff != "" {
			t.Errorf("%s: per message (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestConfigRefusesBadScenarios(t *testing.T) {
	t.Parallel()
	good := Config{URL: "http://127.0.0.1:8005", Clients: 1, Rate: 1, Duration: time.Second, Interval: time.Second, Wait: time.Second}
	tests := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"not loopback", func(c *Config) { c.URL = "http://example.com:8005" }, "loopback"},
		{"not http", func(c *Config) { c.URL = "ftp://127.0.0.1" }, "url must be"},
		{"no clients", func(c *Config) { c.Clients = 0 }, "clients must be"},
		{"too many clients", func(c *Config) { c.Clients = MaxClients + 1 }, "clients must be"},
		{"rate zero", func(c *Config) { c.Rate = 0 }, "rate must be"},
		{"rate too high", func(c *Config) { c.Rate = MaxRate + 1 }, "rate must be"},
		{"too long", func(c *Config) { c.Duration = MaxDuration + time.Second }, "duration must be"},
		{"no interval", func(c *Config) { c.Interval = 0 }, "interval must be"},
		{"wait too long", func(c *Config) { c.Wait = time.Hour }, "wait must be"},
		{"unknown technique", func(c *Config) { c.Techniques = []string{"carrier-pigeon"} }, "unknown technique"},
	}
	for _, tt := range tests {
		cfg := good
		tt.change(&cfg)
		_, err := Run(context.Background(), cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Run error = %v, want one mentioning %q", tt.name, err, tt.want)
		}
	}
	if err := good.check(); err != nil {
		t.Errorf("the good config is refused: %v", err)
	}
}

// checkOutput writes rep in the three forms the command offers and reads
// each back: a table row per technique, JSON that decodes to the same
// results, and an SVG that is well-formed XML with a bar per technique and
// panel.
func checkOutput(t *testing.T, rep Report) {
	var table bytes.Buffer
	if err := WriteTable(&table, rep); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(table.String(), "\n"), "\n")
	if len(lines) != 1+len(rep.Results) {
		t.Errorf("table has %d lines, want a header and %d rows:\n%s", len(lines), len(rep.Results), table.String())
	}
	for i, r := range rep.Results {
		if row := lines[min(i+1, len(lines)-1)]; !strings.HasPrefix(strings.TrimSpace(row), r.Label) || !strings.Contains(row, "1.000") {
			t.Errorf("table row %d = %q, want %s delivering 1.000", i+1, row, r.Label)
		}
	}

	var js bytes.Buffer
	if err := WriteJSON(&js, NewOutput(rep, "go run ./05-gorilla-chat/cmd/compare")); err != nil {
		t.Fatal(err)
	}
	var back Output
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	onlyJSON := cmpopts.IgnoreFields(Result{}, "DelayP50", "DelayP99", "DelayMax", "Client", "Elapsed", "PerMessage")
	if diff := cmp.Diff(rep.Results, back.Results, onlyJSON); diff != "" {
		t.Errorf("JSON results read back (-written +read):\n%s", diff)
	}
	if back.Scenario.Messages != rep.Config.Messages() || back.Machine.CPUs < 1 {
		t.Errorf("JSON scenario %+v, machine %+v", back.Scenario, back.Machine)
	}

	var svg bytes.Buffer
	if err := WriteSVG(&svg, rep, "a <title> & more"); err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(&svg)
	rects := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed: %v", err)
		}
		if el, ok := tok.(xml.StartElement); ok && el.Name.Local == "rect" {
			rects++
		}
	}
	// A background, one bar per technique in two panels, two in the third.
	if want := 1 + 4*len(rep.Results); rects != want {
		t.Errorf("SVG has %d rects, want %d", rects, want)
	}
}
