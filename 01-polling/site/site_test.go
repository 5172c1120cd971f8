package site

import (
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/01-polling/wire"
	"github.com/google/go-cmp/cmp"
)

var testPages = fstest.MapFS{
	"index.html": {Data: []byte("<h1>the page</h1>")},
	"app.js":     {Data: []byte("// the script")},
}

// serve runs srv on a free loopback port until the test ends and returns
// its base URL and a function that stops it and returns Serve's result.
func serve(t *testing.T, srv *Server) (string, func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	var result error
	stopped := false
	stop := func() error {
		if !stopped {
			cancel()
			result, stopped = <-done, true
		}
		return result
	}
	t.Cleanup(func() { _ = stop() })
	return "http://" + ln.Addr().String(), stop
}

type answer struct {
	Status int
	Type   string
	Allow  string
	Body   string
}

func call(t *testing.T, method, url string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Allow"), strings.TrimSpace(string(b))}
}

// TestRoutes checks what each path of a chapter's server answers, the
// unknown paths and wrong methods included.
func TestRoutes(t *testing.T) {
	store := poll.NewLog()
	store.Append("ann", "hi")
	base, _ := serve(t, &Server{API: poll.NewHandler(store), Store: store, Pages: testPages})
	const js = "application/json; charset=utf-8"
	for _, tc := range []struct {
		method, path string
		want         answer
	}{
		{"GET", "/", answer{200, "text/html; charset=utf-8", "", "<h1>the page</h1>"}},
		{"GET", "/app.js", answer{200, "text/javascript; charset=utf-8", "", "// the script"}},
		{"GET", "/missing.js", answer{404, js, "", `{"error":"no such path: /missing.js"}`}},
		{"POST", "/", answer{405, js, "GET, HEAD", `{"error":"method POST not allowed; use GET"}`}},
		{"DELETE", "/app.js", answer{405, js, "GET, HEAD", `{"error":"method DELETE not allowed; use GET"}`}},
		{"POST", "/nowhere", answer{404, js, "", `{"error":"no such path: /nowhere"}`}},
		{"GET", "/messages/1", answer{404, js, "", `{"error":"no such path: /messages/1"}`}},
		{"PUT", "/messages", answer{405, js, "GET, POST", `{"error":"method PUT not allowed; use GET or POST"}`}},
		{"POST", "/stats", answer{405, js, "GET, HEAD", `{"error":"method POST not allowed; use GET"}`}},
	} {
		if diff := cmp.Diff(tc.want, call(t, tc.method, base+tc.path)); diff != "" {
			t.Errorf("%s %s (-want +got):\n%s", tc.method, tc.path, diff)
		}
	}
	var msgs []poll.Message
	if err := json.Unmarshal([]byte(call(t, "GET", base+"/messages?since=0").Body), &msgs); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"hi"}, []string{msgs[0].Body}); diff != "" || len(msgs) != 1 {
		t.Errorf("GET /messages (-want +got):\n%s", diff)
	}
}

// TestStatsCountsEveryRequest: /stats reports the requests before it and
// real byte counts (headers included, so never zero).
func TestStatsCountsEveryRequest(t *testing.T) {
	store := poll.NewLog()
	base, _ := serve(t, &Server{API: poll.NewHandler(store), Store: store, Pages: testPages})
	call(t, "GET", base+"/")
	call(t, "GET", base+"/messages")
	call(t, "GET", base+"/nowhere")
	var s wire.Stats
	body := call(t, "GET", base+"/stats").Body
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		t.Fatal(err)
	}
	// The /stats request itself is counted before it answers.
	if s.Requests != 4 || s.BytesIn < 4*50 || s.BytesOut < 3*100 {
		t.Errorf("stats %s: want 4 requests and the bytes of their headers", body)
	}
}

// TestClock runs the clock fast and checks it posts the server's time as
// clock messages and stops with its context.
func TestClock(t *testing.T) {
	store := poll.NewLog()
	at := time.Date(2026, 11, 25, 9, 30, 1, 250e6, time.UTC)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		Clock(ctx, store, time.Millisecond, func() time.Time { return at })
	}()
	for deadline := time.Now().Add(5 * time.Second); store.Last() < 3; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the clock posted fewer than 3 messages in 5s")
		}
	}
	cancel()
	<-done
	stopped := store.Last()
	got := store.Since(0)[:3]
	for _, m := range got {
		if diff := cmp.Diff([]string{"clock", "server time 09:30:01.250"}, []string{m.Username, m.Body}); diff != "" {
			t.Fatalf("clock message (-want +got):\n%s", diff)
		}
	}
	if store.Last() != stopped {
		t.Fatalf("the clock posted after it was stopped")
	}
}

// TestServeTicks: -tick makes a running server post the time.
func TestServeTicks(t *testing.T) {
	store := poll.NewLog()
	serve(t, &Server{API: poll.NewHandler(store), Store: store, Pages: testPages, Tick: 5 * time.Millisecond})
	for deadline := time.Now().Add(5 * time.Second); store.Last() < 2; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the server's clock never posted")
		}
	}
}

// TestShutdownEndsHeldRequests holds a request the way a long poll does
// (until its context ends) and checks that stopping the server ends it at
// once and cleanly, instead of waiting out ShutdownGrace.
func TestShutdownEndsHeldRequests(t *testing.T) {
	held := make(chan struct{})
	hold := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(held)
		<-r.Context().Done()
		poll.WriteJSON(w, http.StatusOK, []poll.Message{})
	})
	base, stop := serve(t, &Server{API: hold, Store: poll.NewLog(), Pages: testPages})
	got := make(chan answer, 1)
	go func() { got <- call(t, "GET", base+"/messages") }()
	<-held
	start := time.Now()
	if err := stop(); err != nil {
		t.Fatalf("Serve = %v after a clean stop, want nil", err)
	}
	if took := time.Since(start); took > ShutdownGrace/2 {
		t.Errorf("stopping took %v: the held request was not told to end", took)
	}
	if diff := cmp.Diff(answer{200, "application/json; charset=utf-8", "", "[]"}, <-got); diff != "" {
		t.Errorf("the held request's answer (-want +got):\n%s", diff)
	}
}

func TestServeRejectsNegativeTick(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	srv := &Server{API: http.NotFoundHandler(), Store: poll.NewLog(), Pages: testPages, Tick: -time.Second}
	if err := srv.Serve(context.Background(), ln); err == nil {
		t.Fatal("Serve with a negative tick succeeded")
	}
}

func TestURL(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:8001": "http://127.0.0.1:8001/",
		"0.0.0.0:8001":   "http://127.0.0.1:8001/",
		"[::]:8002":      "http://127.0.0.1:8002/",
		"[::1]:8002":     "http://[::1]:8002/",
		"10.0.0.5:80":    "http://10.0.0.5:80/",
	} {
		a, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := URL(a); got != want {
			t.Errorf("URL(%s) = %q, want %q", addr, got, want)
		}
	}
}

// TestLayers: the first layer that has a file wins; the others fill in.
func TestLayers(t *testing.T) {
	top := fstest.MapFS{"index.html": {Data: []byte("02")}, "app.js": {Data: []byte("02 js")}}
	bottom := fstest.MapFS{"index.html": {Data: []byte("01")}, "style.css": {Data: []byte("01 css")}}
	fsys := Layers(top, bottom)
	got := map[string]string{}
	for _, name := range []string{"index.html", "app.js", "style.css"} {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			t.Fatal(err)
		}
		got[name] = string(b)
	}
	if diff := cmp.Diff(map[string]string{"index.html": "02", "app.js": "02 js", "style.css": "01 css"}, got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if _, err := fsys.Open("missing"); err == nil {
		t.Error("opening a file no layer has succeeded")
	}
}

// TestShutdownClosesSpareConnections: a connection that never sends a
// request (browsers open such spares) does not hold up a stop, which
// net/http alone would make wait 5 s.
func TestShutdownClosesSpareConnections(t *testing.T) {
	base, stop := serve(t, &Server{API: http.NotFoundHandler(), Store: poll.NewLog(), Pages: testPages})
	spare, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer spare.Close()
	call(t, "GET", base+"/") // the server has accepted the spare by the time this is answered on another
	start := time.Now()
	if err := stop(); err != nil {
		t.Fatalf("Serve = %v, want nil", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("stopping took %v with a spare connection open", took)
	}
	spare.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := spare.Read(make([]byte, 1)); err == nil {
		t.Errorf("the spare connection is still open (read %d bytes)", n)
	}
}

// TestServeReportsListenerFailure: when the listener fails, Serve stops the
// clock and returns the error instead of hanging.
func TestServeReportsListenerFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close() // Accept fails at once
	srv := &Server{API: http.NotFoundHandler(), Store: poll.NewLog(), Pages: testPages, Tick: time.Hour}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(context.Background(), ln) }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("Serve on a closed listener returned nil")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve hung after its listener failed")
	}
}
