package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"example.com/wswalk/01-polling/site/cmdtest"
	"github.com/google/go-cmp/cmp"
)

func TestMain(m *testing.M) { cmdtest.Main(m, main) }

// TestCommand runs the command as a person would: it logs its URL, serves
// the page, the API and the clock's messages, and exits 0 on SIGTERM.
func TestCommand(t *testing.T) {
	p := cmdtest.Start(t, "-addr", "127.0.0.1:0", "-tick", "10ms")
	var body string
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(body, "server time"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no clock message in 5s; last answer %q", body)
		}
		body = get(t, p.URL+"messages?since=0")
	}
	if page := get(t, p.URL); !strings.Contains(page, "Short polling") {
		t.Errorf("GET / = %.80q..., want the chapter's page", page)
	}
	if code := p.Stop(t, 5*time.Second); code != 0 {
		t.Errorf("exit status %d after SIGTERM, want 0; stderr:\n%s", code, p.Stderr())
	}
	if !strings.Contains(p.Stderr(), "01-polling: stopped") {
		t.Errorf("stderr does not say it stopped:\n%s", p.Stderr())
	}
}

// TestCommandCannotStart: a port in use and a bad flag each end the
// command with a one-line reason and a non-zero status.
func TestCommandCannotStart(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	type outcome struct {
		Code  int
		Lines int
		Says  bool
	}
	for _, tc := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"-addr", taken.Addr().String()}, 1, "cannot listen on " + taken.Addr().String()},
		{[]string{"-tick", "-1s"}, 2, "-tick must not be negative"},
	} {
		code, stderr := cmdtest.Run(t, tc.args...)
		got := outcome{code, strings.Count(strings.TrimSpace(stderr), "\n") + 1, strings.Contains(stderr, tc.says)}
		if diff := cmp.Diff(outcome{tc.code, 1, true}, got); diff != "" {
			t.Errorf("%v: (-want +got):\n%s\nstderr:\n%s", tc.args, diff, stderr)
		}
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
