package main

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"
)

// The tests run the command itself: this test binary, started again with
// runMain set, runs main() with the flags given.
const runMain = "WSWALK05_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMain) == "1" {
		os.Args = append([]string{"05-gorilla-chat"}, strings.Fields(os.Getenv(runMain+"_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func command(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), runMain+"=1", runMain+"_ARGS="+strings.Join(args, " "),
		// Under -race a program waits a second at exit for late reports.
		"GORACE=atexit_sleep_ms=0")
	return cmd
}

// A port already taken: exit 1 with a one-line reason.
func TestCannotStart(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	out, err := command("-addr", ln.Addr().String()).CombinedOutput()
	code := -1
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if code != 1 || len(lines) != 1 || !strings.Contains(lines[0], "cannot start") {
		t.Errorf("port taken: exit %d, output %q; want exit 1 and one line saying it cannot start", code, out)
	}
}

// SIGINT: the server logs its URL, a connected client gets close 1001, and
// the process exits 0 within a second.
func TestSignalShutsDownCleanly(t *testing.T) {
	t.Parallel()
	cmd := command("-addr", "127.0.0.1:0")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(stderr)
	url, logged := "", regexp.MustCompile(`url=http://(\S+?)/`)
	for url == "" && lines.Scan() {
		if m := logged.FindStringSubmatch(lines.Text()); m != nil {
			url = m[1]
		}
	}
	if url == "" {
		t.Fatal("the server never logged its URL")
	}
	go func() { // the rest of the log, so the server never blocks writing it
		for lines.Scan() {
		}
	}()
	conn, _, err := websocket.DefaultDialer.Dial("ws://"+url+"/ws?username=ann", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var online map[string]any
	conn.ReadJSON(&online)

	start := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
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
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit: %v, want 0", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("exit took %v after SIGINT, want under a second", took)
	}
}
