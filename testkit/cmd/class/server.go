package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// server is one chapter's binary running in a process group of its own.
type server struct {
	chapter
	Addr string
	cmd  *exec.Cmd
	done chan struct{} // closed once the process has exited and been waited for
	err  error         // how it exited, set before done is closed
}

func (s *server) URL() string { return "http://" + s.Addr + "/" }

// start runs the chapter's binary from bin. Its process group is its own,
// so a Ctrl-C in the terminal reaches this command only, which then stops
// every server in order; and if this command dies anyway, the kernel sends
// each server SIGTERM (Pdeathsig), so none is left holding its port.
func (s *server) start(bin string) error {
	s.cmd = exec.Command(filepath.Join(bin, s.Dir), "-addr", s.Addr)
	s.cmd.Stdout, s.cmd.Stderr = os.Stderr, os.Stderr
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("%s: %w", s.Dir, err)
	}
	s.done = make(chan struct{})
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	return nil
}

// waitUp waits until the server answers HTTP on its URL, or fails when it
// exits first or stays silent past limit.
func (s *server) waitUp(limit time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(limit)
	for {
		select {
		case <-s.done:
			return fmt.Errorf("%s exited before it answered (%v)", s.Dir, s.err)
		default:
		}
		if resp, err := client.Get(s.URL()); err == nil {
			resp.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer at %s within %v", s.Dir, s.URL(), limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop asks the whole process group to shut down (SIGTERM: the servers
// close their connections cleanly, WebSocket peers get 1001), waits for the
// server, and kills the group if it is still there after grace. It returns
// once the process is reaped and its group is empty.
func (s *server) stop(grace time.Duration) {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	pgid := s.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(grace):
		fmt.Fprintf(os.Stderr, "class: %s still running after %v: killed\n", s.Dir, grace)
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-s.done
	}
	// Anything the server started in its group goes with it.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
}

// exitedCleanly reports whether the server ended with status 0 or by the
// SIGTERM it was sent.
func (s *server) exitedCleanly() bool {
	var exit *exec.ExitError
	if s.err == nil {
		return true
	}
	if errors.As(s.err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGTERM {
			return true
		}
	}
	return false
}

// portFree reports whether addr can be listened on now; when it cannot,
// the error says which port and which process holds it.
func portFree(addr string, port int) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("port %d is taken by %s", port, portOwner(port))
	}
	return ln.Close()
}
