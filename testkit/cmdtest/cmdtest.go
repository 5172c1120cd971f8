// Package cmdtest runs a chapter's command as a child process, so its tests
// check what a person running it sees: the URL logged, a clean exit on a
// signal, and a one-line reason and a non-zero status when it cannot start.
//
// The child is the test binary itself, re-run with an environment variable
// that makes TestMain call the command's main instead of the tests:
//
//	func TestMain(m *testing.M) { cmdtest.Main(m, main) }
//
// A test binary can also carry other commands beside the chapter's own (a
// reference server to measure it against, in a process of its own), named
// with MainWith and started with StartMain.
package cmdtest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// childEnv is "1" in a child running the chapter's command, or the name of
// another command given to MainWith.
const childEnv = "WSWALK_CMDTEST_CHILD"

// Main runs the tests, or, in a child started by Start or Run, the
// command's main with the arguments after "--".
func Main(m *testing.M, main func()) { MainWith(m, main, nil) }

// MainWith is Main for a test binary that carries other commands too: in a
// child started by StartMain(t, name, ...), it runs others[name] instead.
func MainWith(m *testing.M, main func(), others map[string]func()) {
	name := os.Getenv(childEnv)
	if name == "" {
		os.Exit(m.Run())
	}
	run := main
	if name != "1" {
		if run = others[name]; run == nil {
			fmt.Fprintf(os.Stderr, "cmdtest: no command %q in this test binary\n", name)
			os.Exit(2)
		}
	}
	for i, a := range os.Args {
		if a == "--" {
			os.Args = append([]string{os.Args[0]}, os.Args[i+1:]...)
			break
		}
	}
	run()
	os.Exit(0)
}

// Proc is a running command.
type Proc struct {
	URL    string // the URL the command logged, "http://127.0.0.1:PORT/"
	cmd    *exec.Cmd
	mu     sync.Mutex
	stderr bytes.Buffer
	done   chan struct{} // closed when stderr is read to the end
	exited chan struct{} // closed when the process has exited; then err is set
	err    error
}

func command(name string, args []string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), childEnv+"="+name,
		// Under -race a program waits a second at exit for late reports;
		// the tests time the exit, so it must not.
		"GORACE=atexit_sleep_ms=0")
	return cmd
}

// urlLine finds the URL in "open http://..." (log.Printf) or in
// "url=http://..." (log/slog).
var urlLine = regexp.MustCompile(`(?:open |url=)(http://\S+)`)

// Start runs the command with args and waits until it logs its URL. The
// command is killed when the test ends, if it is still running.
func Start(t testing.TB, args ...string) *Proc {
	t.Helper()
	return start(t, "1", args)
}

// StartMain is Start for the command MainWith was given as name.
func StartMain(t testing.TB, name string, args ...string) *Proc {
	t.Helper()
	return start(t, name, args)
}

func start(t testing.TB, name string, args []string) *Proc {
	t.Helper()
	p := &Proc{cmd: command(name, args), done: make(chan struct{}), exited: make(chan struct{})}
	out, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan string, 1)
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(out) // read to the end, so the command never blocks writing its log
		for sc.Scan() {
			p.mu.Lock()
			p.stderr.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			if m := urlLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urls <- m[1]:
				default:
				}
			}
		}
	}()
	go func() {
		<-p.done // Wait closes the pipe: read it to the end first
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
	})
	select {
	case p.URL = <-urls:
		return p
	case <-p.done:
		t.Fatalf("the command exited before logging its URL:\n%s", p.Stderr())
	case <-time.After(10 * time.Second):
		t.Fatalf("the command logged no URL in 10s:\n%s", p.Stderr())
	}
	return nil
}

// PID is the command's process ID, to read what it costs from /proc.
func (p *Proc) PID() int { return p.cmd.Process.Pid }

// Stderr returns what the command wrote to its standard error so far.
func (p *Proc) Stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// Signal sends sig to the command.
func (p *Proc) Signal(t testing.TB, sig os.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// Wait returns the exit status once the command has exited, failing the
// test if that takes longer than limit.
func (p *Proc) Wait(t testing.TB, limit time.Duration) int {
	t.Helper()
	select {
	case <-p.exited:
		return exitCode(t, p.err)
	case <-time.After(limit):
		t.Fatalf("the command did not exit within %v:\n%s", limit, p.Stderr())
		return -1
	}
}

// Stop sends SIGTERM and returns the exit status once the command has
// exited, failing the test if that takes longer than limit.
func (p *Proc) Stop(t testing.TB, limit time.Duration) int {
	t.Helper()
	p.Signal(t, syscall.SIGTERM)
	return p.Wait(t, limit)
}

// Run runs the command with args to the end and returns its exit status
// and standard error.
func Run(t *testing.T, args ...string) (int, string) {
	t.Helper()
	cmd := command("1", args)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	return exitCode(t, err), stderr.String()
}

// CannotStart runs the command with args to the end and checks that it
// exits with code, and says why in one line of standard error that
// contains says: a person should not need a stack trace to fix a flag.
func CannotStart(t *testing.T, code int, says string, args ...string) {
	t.Helper()
	type outcome struct {
		Code  int
		Lines int
		Says  bool
	}
	got, stderr := Run(t, args...)
	lines := strings.Count(strings.TrimSpace(stderr), "\n") + 1
	if diff := cmp.Diff(outcome{code, 1, true}, outcome{got, lines, strings.Contains(stderr, says)}); diff != "" {
		t.Errorf("%v: (-want +got):\n%s\nstderr:\n%s", args, diff, stderr)
	}
}

// TakenAddr returns the address of a port already in use until the test
// ends, for checking what the command does when it cannot listen.
func TakenAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().String()
}

func exitCode(t testing.TB, err error) int {
	t.Helper()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.ExitCode()
	default:
		t.Fatal(err)
		return -1
	}
}
