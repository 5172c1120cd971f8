package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"example.com/wswalk/04-framing/client"
	"example.com/wswalk/04-framing/frame"
	"example.com/wswalk/04-framing/ws"
	"example.com/wswalk/testkit/cmdtest"
)

func TestMain(m *testing.M) { cmdtest.Main(m, main) }

// TestCommand runs the server as a person would, with -trace: the page is
// served, /echo echoes, every frame is drawn on stderr, and SIGTERM closes
// the open connection with 1001 and exits 0.
func TestCommand(t *testing.T) {
	t.Parallel()
	p := cmdtest.Start(t, "-addr", "127.0.0.1:0", "-trace", "-max-message", "100")
	resp, err := http.Get(p.URL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "WebSocket frames by hand") {
		t.Errorf("GET / = %.80q..., want the chapter's page", page)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := client.Dial(ctx, "ws"+strings.TrimPrefix(p.URL, "http")+"echo", client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if err := c.WriteMessage(frame.OpText, []byte("Hello")); err != nil {
		t.Fatal(err)
	}
	if _, msg, err := c.ReadMessage(); err != nil || string(msg) != "Hello" {
		t.Fatalf("echo: %q, %v", msg, err)
	}

	p.Signal(t, syscall.SIGTERM)
	_, _, err = c.ReadMessage()
	var ce *ws.CloseError
	if !errors.As(err, &ce) || ce.Code != frame.CloseGoingAway {
		t.Errorf("on SIGTERM the client got %v, want close 1001", err)
	}
	if code := p.Wait(t, 10*time.Second); code != 0 {
		t.Errorf("exit status %d after SIGTERM, want 0", code)
	}
	log := p.Stderr()
	for _, want := range []string{
		"FIN=1 RSV=000 opcode=0x1 text MASK=1 len=5 key=", // the client's masked frame
		"FIN=1 RSV=000 opcode=0x1 text MASK=0 len=5",      // the echo
		`data 48 65 6c 6c 6f  "Hello"`,
		"opcode=0x8 close MASK=0 len=22", // 1001 "server shutting down"
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the trace lacks %q:\n%s", want, log)
		}
	}
}

// TestCommandCannotStart: a port in use and a bad flag (an origin without
// its scheme among them) each end the command with a one-line reason and a
// non-zero status.
func TestCommandCannotStart(t *testing.T) {
	t.Parallel()
	taken := cmdtest.TakenAddr(t)
	cmdtest.CannotStart(t, 1, "cannot listen on "+taken, "-addr", taken)
	cmdtest.CannotStart(t, 2, "-max-message must be positive", "-max-message", "0")
	cmdtest.CannotStart(t, 2, `-origins: origin "app.example": want scheme://host[:port]`, "-addr", "127.0.0.1:0", "-origins", "app.example")
}
