package redistest

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// The private redis-server a test binary starts when no Redis answers and
// REDIS_URL is unset: one for the whole binary, whatever its tests, started
// on first use.
var shared struct {
	once sync.Once
	url  string
	err  error
}

// startShared starts the binary's private redis-server, or says in one line
// why it cannot.
//
// It must not outlive the test binary, however that ends (the last test,
// a failure, a timeout's panic, a kill): the kernel sends it SIGKILL when
// the thread that started it ends (Pdeathsig). That thread is one locked
// to a goroutine that never returns, so it ends with the process.
func startShared(tried string) (string, error) {
	shared.once.Do(func() {
		if _, err := exec.LookPath("redis-server"); err != nil {
			shared.err = fmt.Errorf("no Redis answers at %s and redis-server is not installed: %s (or set REDIS_URL, or run make test)", tried, InstallHint)
			return
		}
		port, err := sharedPort()
		if err != nil {
			shared.err = err
			return
		}
		started := make(chan error, 1)
		go func() {
			runtime.LockOSThread() // never unlocked: the thread lives as long as the process
			cmd := exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
				"--save", "", "--appendonly", "no", "--dir", os.TempDir(), "--loglevel", "warning")
			cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
			started <- cmd.Start()
			if cmd.Process != nil {
				_ = cmd.Wait()
			}
			select {} // keep the thread, and with it the server's lifeline
		}()
		if err := <-started; err != nil {
			shared.err = fmt.Errorf("start a private redis-server: %v", err)
			return
		}
		addr := "127.0.0.1:" + strconv.Itoa(port)
		for deadline := time.Now().Add(10 * time.Second); Ping(addr) != nil; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				shared.err = fmt.Errorf("the private redis-server on port %d never answered PING", port)
				return
			}
		}
		shared.url = "redis://" + addr + "/0"
	})
	return shared.url, shared.err
}

func sharedPort() (int, error) {
	l, err := netListen()
	if err != nil {
		return 0, fmt.Errorf("find a free port for a private redis-server: %v", err)
	}
	defer l.Close()
	return portOf(l), nil
}
