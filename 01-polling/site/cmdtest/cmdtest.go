// Package cmdtest runs a chapter's command as a child process, so its tests
// check what a person running it sees: the URL logged, a clean exit on
// SIGTERM, and a one-line reason and a non-zero status when it cannot start.
//
// The child is the test binary itself, re-run with an environment variable
// that makes TestMain call the command's main instead of the tests:
//
//	func TestMain(m *testing.M) { cmdtest.Main(m, main) }
package cmdtest

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"
)

const childEnv = "WSWALK_CMDTEST_CHILD"

// Main runs the tests, or, in a child started by Start or Run, the
// command's main with the arguments after "--".
func Main(m *testing.M, main func()) {
	if os.Getenv(childEnv) == "1" {
		for i, a := range os.Args {
			if a == "--" {
				os.Args = append([]string{os.Args[0]}, os.Args[i+1:]...)
				break
			}
		}
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// Proc is a running command.
type Proc struct {
	URL    string // the URL the command logged
	cmd    *exec.Cmd
	mu     sync.Mutex
	stderr bytes.Buffer
	done   chan struct{} // closed when stderr is read to the end
	exited chan struct{} // closed when the process has exited; then err is set
	err    error
}

func command(args []string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	return cmd
}

var urlLine = regexp.MustCompile(`open (http://\S+)`)

// Start runs the command with args and waits until it logs its URL. The
// command is killed when the test ends, if it is still running.
func Start(t *testing.T, args ...string) *Proc {
	t.Helper()
	p := &Proc{cmd: command(args), done: make(chan struct{}), exited: make(chan struct{})}
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
		sc := bufio.NewScanner(out)
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

// Stderr returns what the command wrote to its standard error so far.
func (p *Proc) Stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// Stop sends SIGTERM and returns the exit status once the command has
// exited, failing the test if that takes longer than limit.
func (p *Proc) Stop(t *testing.T, limit time.Duration) int {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
		return exitCode(t, p.err)
	case <-time.After(limit):
		t.Fatalf("the command did not exit within %v of SIGTERM:\n%s", limit, p.Stderr())
		return -1
	}
}

// Run runs the command with args to the end and returns its exit status
// and standard error.
func Run(t *testing.T, args ...string) (int, string) {
	t.Helper()
	cmd := command(args)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	return exitCode(t, err), stderr.String()
}

func exitCode(t *testing.T, err error) int {
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
