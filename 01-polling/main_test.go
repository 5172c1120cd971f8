package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"example.com/wswalk/testkit/cmdtest"
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
	taken := cmdtest.TakenAddr(t)
	cmdtest.CannotStart(t, 1, "cannot listen on "+taken, "-addr", taken)
	cmdtest.CannotStart(t, 2, "-tick must not be negative", "-tick", "-1s")
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
