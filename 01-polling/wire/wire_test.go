package wire

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// serve runs handler behind a counting listener on a loopback port.
func serve(t *testing.T, handler func(l *Listener) http.Handler) *Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := NewListener(ln)
	srv := &http.Server{Handler: handler(l)}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return l
}

// TestListenerCountsTheWire sends hand-written requests over a real TCP
// connection and compares what the server counted with what really
// crossed: every byte the client wrote, every byte it read back, headers
// included.
func TestListenerCountsTheWire(t *testing.T) {
	l := serve(t, func(l *Listener) http.Handler {
		return l.CountRequests(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			w.Write([]byte(strings.ToUpper(string(body))))
		}))
	})

	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	reqs := "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" +
		"GET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
	sent, err := io.WriteString(c, reqs)
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	answer, err := io.ReadAll(c) // the server closes after the second request
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(answer), "HELLO") {
		t.Fatalf("unexpected answer %q", answer)
	}
	want := Stats{Connections: 1, Requests: 2, BytesIn: int64(sent), BytesOut: int64(len(answer))}
	if diff := cmp.Diff(want, settled(l.Meter(), want)); diff != "" {
		t.Fatalf("counted (-what crossed the wire +counted):\n%s", diff)
	}
}

// settled returns m's stats once they equal want, or after a second. The
// server adds a write to its count just after the kernel took the bytes, so
// the client can read them a moment before the server has counted them.
func settled(m *Meter, want Stats) Stats {
	got := m.Stats()
	for deadline := time.Now().Add(time.Second); got != want && time.Now().Before(deadline); got = m.Stats() {
		time.Sleep(5 * time.Millisecond)
	}
	return got
}

// TestClientAndServerAgree counts one exchange at both ends, with a
// net/http client dialing through Meter.DialContext: what one end wrote the
// other read.
func TestClientAndServerAgree(t *testing.T) {
	l := serve(t, func(l *Listener) http.Handler {
		mux := http.NewServeMux()
		mux.Handle("/stats", l.Handler())
		mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(strings.Repeat("x", 10000)))
		}))
		return l.CountRequests(mux)
	})
	var client Meter
	hc := &http.Client{Transport: &http.Transport{DialContext: client.DialContext(nil)}}
	for i := 0; i < 3; i++ {
		resp, err := hc.Get("http://" + l.Addr().String() + "/")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	hc.CloseIdleConnections()
	cli := client.Stats()
	want := Stats{Connections: 1, Requests: 3, BytesIn: cli.BytesOut, BytesOut: cli.BytesIn}
	srv := settled(l.Meter(), want)
	if diff := cmp.Diff(want, srv); diff != "" {
		t.Errorf("server counts (-mirror of the client's +server's):\n%s", diff)
	}
	if cli.BytesIn < 30000 {
		t.Errorf("client read %d bytes, want at least the 3 x 10000 body bytes", cli.BytesIn)
	}

	// /stats tells the same numbers as JSON (taken just before it answers,
	// so it counts its own request but not its own bytes).
	resp, err := http.Get("http://" + l.Addr().String() + "/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got Stats
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Requests != 4 || got.Connections != 2 || got.BytesOut != srv.BytesOut || got.BytesIn <= srv.BytesIn {
		t.Errorf("/stats = %+v; want 4 requests, 2 connections, bytes_out %d and bytes_in above %d", got, srv.BytesOut, srv.BytesIn)
	}
}

func TestStatsJSON(t *testing.T) {
	b, err := json.Marshal(Stats{Connections: 1, Requests: 2, BytesIn: 3, BytesOut: 4})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`{"connections":1,"requests":2,"bytes_in":3,"bytes_out":4}`, string(b)); diff != "" {
		t.Fatalf("JSON (-want +got):\n%s", diff)
	}
}

func TestStatsMethodNotAllowed(t *testing.T) {
	l := serve(t, func(l *Listener) http.Handler { return l.Handler() })
	resp, err := http.Post("http://"+l.Addr().String()+"/stats", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Fatalf("POST /stats = %d Allow %q; want 405 Allow \"GET, HEAD\"", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

// TestMetersAreSeparate checks that two listeners count apart, as the
// side-by-side demo needs.
func TestMetersAreSeparate(t *testing.T) {
	ok := func(l *Listener) http.Handler { return l.CountRequests(http.NotFoundHandler()) }
	a, b := serve(t, ok), serve(t, ok)
	for i := 0; i < 2; i++ {
		resp, err := http.Get("http://" + a.Addr().String() + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if got := b.Stats(); got != (Stats{}) {
		t.Fatalf("the other listener counted %+v, want nothing", got)
	}
	if got := a.Stats().Requests; got != 2 {
		t.Fatalf("requests = %d, want 2", got)
	}
}
