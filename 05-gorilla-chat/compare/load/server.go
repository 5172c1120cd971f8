package load

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	"example.com/wswalk/05-gorilla-chat/compare"
)

// The command runs the demo's server in a process of its own, a child of
// itself, so that the server's CPU time (which the demo reads with
// getrusage) is the server's alone and not the hundreds of simulated
// clients'. The child serves on a loopback port the system picks, writes
// its URL as one line, and serves until its standard input ends: when the
// parent closes the pipe, or dies, the child goes too.

// ServeChild is the child's side: it serves the demo on 127.0.0.1 until in
// reaches its end, having written the demo's URL as one line to out.
func ServeChild(in io.Reader, out io.Writer) error {
	d, err := compare.New(compare.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: d.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if _, err := fmt.Fprintf(out, "http://%s\n", ln.Addr()); err != nil {
		srv.Close()
		return err
	}
	ended := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, in)
		close(ended)
	}()
	select {
	case err := <-served:
		return err
	case <-ended:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return srv.Shutdown(ctx)
}

// StartChild runs this program again with args (which make it call
// ServeChild) and returns the child's URL and a function that stops it.
func StartChild(ctx context.Context, args ...string) (url string, stop func() error, err error) {
	exe, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(exe, args...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("start the server: %w", err)
	}
	stop = func() error {
		_ = stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			return err
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			return errors.Join(errors.New("the server did not stop in 5 s; killed"), <-done)
		}
	}
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case url = <-line:
	case <-time.After(10 * time.Second):
	case <-ctx.Done():
	}
	if !strings.HasPrefix(url, "http://") {
		return "", nil, errors.Join(fmt.Errorf("the server did not start (said %q)", url), stop())
	}
	return url, stop, nil
}
