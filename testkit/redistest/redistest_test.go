package redistest

import (
	"strconv"

	"bufio"
	"github.com/google/go-cmp/cmp"
	"net"
	"strings"
	"testing"
	"time"
)

func TestAddr(t *testing.T) {
	for in, want := range map[string]string{
		"redis://127.0.0.1:6379/0": "127.0.0.1:6379",
		"redis://localhost/3":      "localhost:6379",
	} {
		got, err := Addr(in)
		if err != nil || got != want {
			t.Errorf("Addr(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := Addr("http://x"); err == nil {
		t.Error("Addr accepted a non-redis URL")
	}
}

// TestPrivateServerStopsAndRestarts checks the helper that chapter 06 uses to
// take Redis away in the middle of a test.
func TestPrivateServerStopsAndRestarts(t *testing.T) {
	s := Start(t)
	if err := Ping(s.Addr()); err != nil {
		t.Fatalf("fresh server: %v", err)
	}
	s.Stop()
	if err := Ping(s.Addr()); err == nil {
		t.Fatal("stopped server still answers PING")
	}
	s.Restart()
	if err := Ping(s.Addr()); err != nil {
		t.Fatalf("restarted server: %v", err)
	}
}

func TestSharedURLAnswers(t *testing.T) {
	addr, err := Addr(URL(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := Ping(addr); err != nil {
		t.Fatal(err)
	}
}

// TestPauseAndPersistence: a paused server answers nothing until resumed;
// a persistent one keeps what it acknowledged across a kill.
func TestPauseAndPersistence(t *testing.T) {
	s := StartPersistent(t)
	if got := command(t, s.Addr(), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"); got != "+OK" {
		t.Fatalf("SET answered %q", got)
	}
	s.Pause()
	if err := Ping(s.Addr()); err == nil {
		t.Error("a paused server answered PING")
	}
	s.Resume()
	if err := Ping(s.Addr()); err != nil {
		t.Errorf("resumed server: %v", err)
	}
	s.Stop()
	s.Restart()
	if got := command(t, s.Addr(), "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"); got != "$1" {
		t.Errorf("GET after a kill and a restart answered %q, want the value kept", got)
	}
}

// command sends one RESP command and returns the first line of the answer.
func command(t *testing.T, addr, cmd string) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	c.Write([]byte(cmd))
	line, _ := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSpace(line)
}

// TestFindSaysWhyWhenREDIS_URLIsClosed: a REDIS_URL nothing answers at is
// the user's choice, so no private server is started in its place; the one
// line says what to do.
func TestFindSaysWhyWhenREDIS_URLIsClosed(t *testing.T) {
	closed := "redis://127.0.0.1:" + strconv.Itoa(closedPort(t)) + "/0"
	_, err := find(closed, DefaultURL)
	if err == nil {
		t.Fatal("find accepted a REDIS_URL where nothing answers")
	}
	want := "no Redis answers at REDIS_URL=" + closed
	if msg := err.Error(); !strings.HasPrefix(msg, want) || strings.Contains(msg, "\n") || !strings.Contains(msg, "unset REDIS_URL") {
		t.Errorf("error %q: want one line starting %q and saying to unset REDIS_URL", msg, want)
	}
}

// TestFindStartsAPrivateServer: REDIS_URL unset and nothing at the default
// address: find starts one private redis-server for the binary, and gives
// the same one to every later caller.
func TestFindStartsAPrivateServer(t *testing.T) {
	fallback := "redis://127.0.0.1:" + strconv.Itoa(closedPort(t)) + "/0"
	first, err := find("", fallback)
	if err != nil {
		t.Fatal(err)
	}
	addr, err := Addr(first)
	if err != nil {
		t.Fatal(err)
	}
	if err := Ping(addr); err != nil {
		t.Fatalf("the private server at %s: %v", first, err)
	}
	again, err := find("", fallback)
	if diff := cmp.Diff(first, again); err != nil || diff != "" {
		t.Errorf("second call (err %v), -first +second:\n%s", err, diff)
	}
}

// closedPort is a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := netListen()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return portOf(l)
}
