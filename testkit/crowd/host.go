package crowd

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// fdMargin is what this process may hold open beside the crowd: the
// sender, the test binary's own files, an in-process server's listener.
const fdMargin = 256

// raiseNoFile makes room for need open files. Each client is a socket, and
// the soft limit is often 1,024 while the hard one is far higher: raising
// the soft one up to the hard one is allowed without privileges. (Go raises
// it by itself at start since 1.19; this is for a process whose limit was
// lowered after that, and to say clearly when the hard one is too low.)
func raiseNoFile(need uint64) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return fmt.Errorf("crowd: reading RLIMIT_NOFILE: %w", err)
	}
	if lim.Cur >= need {
		return nil
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			return fmt.Errorf("crowd: raising RLIMIT_NOFILE to %d: %w", lim.Max, err)
		}
	}
	if lim.Cur < need {
		return fmt.Errorf("crowd: this many clients need about %d open files, and RLIMIT_NOFILE allows %d even raised to its hard limit: raise it (ulimit -Hn, /etc/security/limits.conf) or use fewer clients", need, lim.Cur)
	}
	return nil
}

// rss reads the resident memory of process pid, in bytes, from the VmRSS
// line of /proc/<pid>/status (given there in kB, which are KiB).
func rss(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("crowd: server memory: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:")
		if !ok {
			continue
		}
		kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("crowd: server memory: %q: %w", sc.Text(), err)
		}
		return kib << 10, nil
	}
	return 0, fmt.Errorf("crowd: server memory: no VmRSS in /proc/%d/status", pid)
}

// stats is what the rooms' /stats report, of what the harness reads.
type stats struct {
	Goroutines int `json:"goroutines"`
	Clients    int `json:"clients"`
}

func getStats(ctx context.Context, url string) (stats, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var s stats
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return s, fmt.Errorf("crowd: stats: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return s, fmt.Errorf("crowd: stats: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return s, fmt.Errorf("crowd: stats: %s from %s", resp.Status, url)
	}
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		return s, fmt.Errorf("crowd: stats from %s: %w", url, err)
	}
	return s, nil
}
