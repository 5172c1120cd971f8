package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"example.com/wswalk/04-framing/client"
	"example.com/wswalk/04-framing/frame"
	"example.com/wswalk/04-framing/ws"
)

// The test binary doubles as the command: run with this variable set, it
// runs main with its arguments instead of the tests.
const asCommand = "WSWALK_04_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asCommand) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// command is the running server and everything it wrote on stderr.
type command struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	err  strings.Builder
	done chan struct{}
}

func (c *command) stderr() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err.String()
}

// run starts the command with args and returns it with its address, read
// from the line it logs at start.
func run(t *testing.T, args ...string) (*command, string) {
	t.Helper()
	c := &command{cmd: exec.Command(os.Args[0], args...), done: make(chan struct{})}
	c.cmd.Env = append(os.Environ(), asCommand+"=1")
	pipe, err := c.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.cmd.Process.Kill(); <-c.done })
	addr := make(chan string, 1)
	url := regexp.MustCompile(`open http://([0-9.:]+)/`)
	go func() {
		defer close(c.done)
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			c.mu.Lock()
			c.err.WriteString(sc.Text() + "\n")
			c.mu.Unlock()
			if m := url.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		c.cmd.Wait()
	}()
	select {
	case a := <-addr:
		return c, a
	case <-c.done:
		t.Fatalf("the command ended before logging its URL:\n%s", c.stderr())
	case <-time.After(10 * time.Second):
		t.Fatalf("no URL logged in 10 s:\n%s", c.stderr())
	}
	return nil, ""
}

// TestCommand runs the server as a person would, with -trace: the page is
// served, /echo echoes, every frame is drawn on stderr, and SIGTERM closes
// the open connection with 1001 and exits 0.
func TestCommand(t *testing.T) {
	t.Parallel()
	cmd, addr := run(t, "-addr", "127.0.0.1:0", "-trace", "-max-message", "100")
	resp, err := http.Get("http://" + addr + "/")
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
	c, _, err := client.Dial(ctx, "ws://"+addr+"/echo", client.Options{})
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

	cmd.cmd.Process.Signal(syscall.SIGTERM)
	_, _, err = c.ReadMessage()
	var ce *ws.CloseError
	if !errors.As(err, &ce) || ce.Code != frame.CloseGoingAway {
		t.Errorf("on SIGTERM the client got %v, want close 1001", err)
	}
	<-cmd.done
	if code := cmd.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit status %d after SIGTERM, want 0", code)
	}
	log := cmd.stderr()
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

// TestCommandCannotStart: a port in use and a bad flag each end the
// command with a one-line reason and a non-zero status.
func TestCommandCannotStart(t *testing.T) {
	t.Parallel()
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
		{[]string{"-max-message", "0"}, 2, "-max-message must be positive"},
	} {
		cmd := exec.Command(os.Args[0], tc.args...)
		cmd.Env = append(os.Environ(), asCommand+"=1")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		cmd.Run()
		got := outcome{cmd.ProcessState.ExitCode(), strings.Count(strings.TrimSpace(stderr.String()), "\n") + 1, strings.Contains(stderr.String(), tc.says)}
		if diff := cmp.Diff(outcome{tc.code, 1, true}, got); diff != "" {
			t.Errorf("%v: (-want +got):\n%s\nstderr:\n%s", tc.args, diff, stderr.String())
		}
	}
}
