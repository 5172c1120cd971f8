// Package redistest gives tests a real Redis: the shared one named by
// REDIS_URL, or a private redis-server of their own that they may stop and
// restart (to test what happens when Redis goes away).
//
// There is no mock here on purpose: the lesson of chapter 06 is how a real
// Redis behaves (LRANGE bounds, pipelines, Pub/Sub), and a mock would only
// repeat what its author believed.
package redistest

import (
	"bufio"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// DefaultURL is used when REDIS_URL is empty.
const DefaultURL = "redis://127.0.0.1:6379/0"

// InstallHint is the one command that makes redis-server available.
const InstallHint = "apt-get update && apt-get install -y redis-server"

// URL returns the shared Redis for tests: $REDIS_URL when it is set, else
// the one at DefaultURL when it answers, else a private redis-server this
// test binary starts once on a free port (see shared.go). So
// `go test ./06-redis-history/...` needs no Redis started by hand, only the
// redis-server binary; the test fails with one line saying what to install
// or start when there is neither.
func URL(t testing.TB) string {
	t.Helper()
	u, err := find(os.Getenv("REDIS_URL"), DefaultURL)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// find decides which Redis the tests use, as URL says: env is $REDIS_URL,
// fallback the URL tried when it is empty.
func find(env, fallback string) (string, error) {
	if env != "" {
		addr, err := Addr(env)
		if err != nil {
			return "", fmt.Errorf("REDIS_URL %q: %v", env, err)
		}
		if err := Ping(addr); err != nil {
			return "", fmt.Errorf("no Redis answers at REDIS_URL=%s (%v): start it there, or unset REDIS_URL and the tests start their own redis-server", env, err)
		}
		return env, nil
	}
	addr, err := Addr(fallback)
	if err != nil {
		return "", err
	}
	if Ping(addr) == nil {
		return fallback, nil
	}
	return startShared(fallback)
}

// Addr returns host:port of a redis:// URL.
func Addr(redisURL string) (string, error) {
	u, err := url.Parse(redisURL)
	if err != nil {
		return "", err
	}
	if u.Scheme != "redis" {
		return "", fmt.Errorf("scheme %q, want redis", u.Scheme)
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "6379")
	}
	return host, nil
}

// Ping sends the inline command PING and expects +PONG, with a short
// deadline. It speaks RESP by hand so this package needs no client library.
func Ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if strings.TrimSpace(line) != "+PONG" {
		return fmt.Errorf("PING answered %q", strings.TrimSpace(line))
	}
	return nil
}

// Server is a private redis-server started for one test, on a free loopback
// port, keeping nothing on disk.
type Server struct {
	t    testing.TB
	Port int
	aof  bool   // append-only file, fsync on every write: survives a kill
	dir  string // where an AOF server keeps it

	mu  sync.Mutex
	cmd *exec.Cmd
}

// Start starts a private redis-server for the test and stops it when the
// test ends. The test fails, with the install command, when redis-server is
// not installed.
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t, false)
}

// StartPersistent is Start with an append-only file written and synced on
// every command (appendonly yes, appendfsync always): killed and
// restarted, the server comes back with everything it had acknowledged.
func StartPersistent(t testing.TB) *Server {
	t.Helper()
	return start(t, true)
}

func start(t testing.TB, aof bool) *Server {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatalf("this test starts its own redis-server, which is not installed: %s", InstallHint)
	}
	s := &Server{t: t, Port: freePort(t), aof: aof, dir: t.TempDir()}
	s.Restart()
	t.Cleanup(s.Stop)
	return s
}

// Pause stops the server without killing it (SIGSTOP): it holds its
// connections and answers nothing, as a server that hangs does. Resume
// lets it go on, answering what it was sent meanwhile.
func (s *Server) Pause() { s.signal(syscall.SIGSTOP) }

// Resume continues a paused server (SIGCONT).
func (s *Server) Resume() { s.signal(syscall.SIGCONT) }

func (s *Server) signal(sig syscall.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		_ = s.cmd.Process.Signal(sig)
	}
}

// URL is the redis:// URL of the private server.
func (s *Server) URL() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", s.Port) }

// Addr is host:port of the private server.
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.Port) }

// Stop kills the server, as a crash or a network loss would look to its
// clients. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGCONT) // a paused server must run to die
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// Restart starts the server again on the same port, empty unless it was
// started with StartPersistent, and waits until it answers PING.
func (s *Server) Restart() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return
	}
	persist := []string{"--appendonly", "no", "--dir", s.t.TempDir()}
	if s.aof {
		persist = []string{"--appendonly", "yes", "--appendfsync", "always", "--dir", s.dir}
	}
	cmd := exec.Command("redis-server", append([]string{
		"--port", strconv.Itoa(s.Port), "--bind", "127.0.0.1", "--save", "", "--loglevel", "warning"},
		persist...)...)
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start redis-server: %v", err)
	}
	s.cmd = cmd
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := Ping(s.Addr())
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("redis-server on port %d never answered: %v", s.Port, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func netListen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

func portOf(l net.Listener) int { return l.Addr().(*net.TCPAddr).Port }
