package main

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"

	"example.com/wswalk/05-gorilla-chat/internal/gorillaroom"
	"example.com/wswalk/testkit/cmdtest"
)

func TestMain(m *testing.M) {
	cmdtest.MainWith(m, main, map[string]func(){"reference": gorillaroom.Main})
}

// A port already taken: exit 1 with a one-line reason.
func TestCannotStart(t *testing.T) {
	t.Parallel()
	cmdtest.CannotStart(t, 1, "cannot start", "-addr", cmdtest.TakenAddr(t))
}

// SIGINT: the server logs its URL, a connected client gets close 1001, and
// the process exits 0 within a second.
func TestSignalShutsDownCleanly(t *testing.T) {
	t.Parallel()
	p := cmdtest.Start(t, "-addr", "127.0.0.1:0")
	conn, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(p.URL, "http")+"ws?username=ann", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var online map[string]any
	conn.ReadJSON(&online)

	start := time.Now()
	p.Signal(t, syscall.SIGINT)
	var closeErr error
	for closeErr == nil {
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, _, closeErr = conn.ReadMessage()
	}
	ce, _ := closeErr.(*websocket.CloseError)
	got := 0
	if ce != nil {
		got = ce.Code
	}
	if diff := cmp.Diff(websocket.CloseGoingAway, got); diff != "" {
		t.Errorf("close code (-want +got):\n%s (error %v)", diff, closeErr)
	}
	if code := p.Wait(t, 5*time.Second); code != 0 {
		t.Errorf("exit status %d, want 0; stderr:\n%s", code, p.Stderr())
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("exit took %v after SIGINT, want under a second", took)
	}
}
