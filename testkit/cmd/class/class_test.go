package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"example.com/wswalk/testkit/cmdtest"
	"github.com/google/go-cmp/cmp"
)

func TestMain(m *testing.M) { cmdtest.Main(m, main) }

// root is the repository, three levels up from this package.
var root, _ = filepath.Abs("../../..")

// freePorts returns n ports nothing listens on, so the test never meets a
// class already running on 8001..8006.
func freePorts(t *testing.T, n int) []string {
	t.Helper()
	var ports []string
	var held []net.Listener
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, ln)
		ports = append(ports, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	}
	for _, ln := range held {
		ln.Close()
	}
	return ports
}

// closedRedis is a redis:// URL at a port nothing listens on, so chapter 06
// falls back to memory whatever runs on this machine.
func closedRedis(t *testing.T) string {
	t.Helper()
	return "redis://127.0.0.1:" + freePorts(t, 1)[0] + "/0"
}

var startedLine = regexp.MustCompile(`class: started (\S+) \(pid (\d+)\)`)

// TestClassStartsAllAndLeavesNothing runs the command as a class would: all
// six answer at the URLs of the table; after Ctrl-C every port is free and
// no process of any server's group remains.
func TestClassStartsAllAndLeavesNothing(t *testing.T) {
	bin := t.TempDir()
	// Build first, in this process: the first build can take minutes on a
	// busy machine; the command's own build then only checks it is current.
	if err := build(root, bin); err != nil {
		t.Fatal(err)
	}
	redisURL := closedRedis(t)
	t.Setenv("REDIS_URL", redisURL)
	ports := freePorts(t, 6)
	p := cmdtest.Start(t, "-root", root, "-bin", bin, "-ports", strings.Join(ports, ","))
	waitFor(t, p, "all six are up")
	out := p.Stderr()

	var started, inTable []string
	for _, m := range startedLine.FindAllStringSubmatch(out, -1) {
		started = append(started, m[1])
	}
	for i, c := range course {
		url := "http://127.0.0.1:" + ports[i] + "/"
		if regexp.MustCompile(`(?m)^` + c.Dir + ` +` + regexp.QuoteMeta(url) + ` +\S`).MatchString(out) {
			inTable = append(inTable, c.Dir)
		}
		resp, err := http.Get(url)
		if err != nil {
			t.Errorf("%s at %s: %v", c.Dir, url, err)
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s at %s answered %s", c.Dir, url, resp.Status)
		}
	}
	var dirs []string
	for _, c := range course {
		dirs = append(dirs, c.Dir)
	}
	if diff := cmp.Diff(dirs, started); diff != "" {
		t.Errorf("servers started (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(dirs, inTable); diff != "" {
		t.Errorf("rows of the table (-want +got):\n%s\n%s", diff, out)
	}
	if !strings.Contains(out, "IN MEMORY: no Redis answers at "+redisURL) {
		t.Errorf("the table does not say chapter 06 keeps its history in memory:\n%s", out)
	}

	p.Signal(t, syscall.SIGINT)
	if code := p.Wait(t, 30*time.Second); code != 0 {
		t.Errorf("exit status %d after SIGINT, want 0:\n%s", code, p.Stderr())
	}
	for i, port := range ports {
		if err := portFree("127.0.0.1:"+port, 0); err != nil {
			t.Errorf("%s's port %s still taken after the class stopped", course[i].Dir, port)
		}
	}
	for _, m := range startedLine.FindAllStringSubmatch(out, -1) {
		pid, _ := strconv.Atoi(m[2])
		if err := syscall.Kill(-pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("%s's process group %d still exists after the class stopped (%v)", m[1], pid, err)
		}
	}
}

// TestClassRefusesATakenPort: one port taken, nothing starts, and the one
// line says which port and which process holds it (here, this test).
func TestClassRefusesATakenPort(t *testing.T) {
	taken := cmdtest.TakenAddr(t)
	_, takenPort, _ := net.SplitHostPort(taken)
	ports := freePorts(t, 6)
	ports[2] = takenPort
	cmdtest.CannotStart(t, 1,
		fmt.Sprintf("03-raw-handshake cannot start: port %s is taken by pid %d", takenPort, os.Getpid()),
		"-root", root, "-bin", t.TempDir(), "-ports", strings.Join(ports, ","))
}

func TestClassRefusesBadPorts(t *testing.T) {
	cmdtest.CannotStart(t, 1, "want 6 ports", "-ports", "8001,8002")
	cmdtest.CannotStart(t, 1, `"x" is not a port`, "-ports", "8001,8002,x,8004,8005,8006")
}

// waitFor waits until the command has written want, failing after a minute.
func waitFor(t *testing.T, p *cmdtest.Proc, want string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(p.Stderr(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q within a minute:\n%s", want, p.Stderr())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
