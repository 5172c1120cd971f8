//go:build unix

package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"example.com/wswalk/testkit/cmdtest"
)

// fdLimit is the descriptor limit of the child "fd-limit": low enough that
// a test can run the command out of descriptors with a few connections.
const fdLimit = 64

func TestMain(m *testing.M) {
	cmdtest.MainWith(m, main, map[string]func(){
		// The command with `ulimit -n 64`. It is set here, after the
		// runtime has raised the soft limit to the hard one at start.
		"fd-limit": func() {
			lim := syscall.Rlimit{Cur: fdLimit, Max: fdLimit}
			if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
				fmt.Fprintf(os.Stderr, "setrlimit: %v\n", err)
				os.Exit(3)
			}
			main()
		},
	})
}

// TestCommandOutOfDescriptors runs the command with 64 descriptors and
// opens 80 half-open handshakes, more than it has descriptors for. With no
// connection limit, accept fails (EMFILE): the command logs it once, backs
// off, and serves again once the clients hang up. With the default limit
// (half of 64 at so low a limit), accept never fails: the connections over
// it are answered 503 at once. Either way the command is still there.
func TestCommandOutOfDescriptors(t *testing.T) {
	t.Parallel()
	const halfOpen = 80
	for _, tc := range []struct {
		name       string
		args       []string
		wantEMFILE int  // "too many open files" lines logged
		want503    bool // the last half-open connection is refused
	}{
		{"no limit", []string{"-max-conns", "0"}, 1, false},
		{"default limit", nil, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := cmdtest.StartMain(t, "fd-limit", append([]string{"-addr", "127.0.0.1:0"}, tc.args...)...)
			addr := strings.TrimSuffix(strings.TrimPrefix(p.URL, "http://"), "/")
			conns := make([]net.Conn, 0, halfOpen)
			defer func() {
				for _, c := range conns {
					c.Close()
				}
			}()
			for range halfOpen {
				// The kernel completes the TCP handshake for the listen
				// queue even while the server cannot accept.
				c, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				conns = append(conns, c)
				io.WriteString(c, "GET /ws HTTP/1.1\r\nHost: "+addr+"\r\n") // and never the blank line
			}
			if tc.want503 {
				last := conns[len(conns)-1]
				last.SetReadDeadline(time.Now().Add(30 * time.Second))
				got, err := io.ReadAll(last)
				if !strings.HasPrefix(string(got), "HTTP/1.1 503 Service Unavailable\r\n") {
					t.Errorf("connection %d read %q, %v; want a 503", halfOpen, got, err)
				}
			} else {
				for deadline := time.Now().Add(30 * time.Second); !strings.Contains(p.Stderr(), "too many open files"); {
					if time.Now().After(deadline) {
						t.Fatalf("no failed accept was logged:\n%s", p.Stderr())
					}
					time.Sleep(10 * time.Millisecond)
				}
			}
			for _, c := range conns { // the half-open ones hang up
				c.Close()
			}
			conns = nil

			// The server sees the hang-ups a moment later: until then a
			// client may still be told 503, or find its connection closed
			// by a server at its limit, and tries again.
			client := http.Client{Timeout: 30 * time.Second}
			var resp *http.Response
			for deadline := time.Now().Add(30 * time.Second); ; {
				var err error
				if resp, err = client.Get(p.URL); err != nil {
					if time.Now().Before(deadline) {
						time.Sleep(50 * time.Millisecond)
						continue
					}
					t.Fatalf("GET / after the flood: %v\n%s", err, p.Stderr())
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusServiceUnavailable || time.Now().After(deadline) {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			type outcome struct {
				Status int
				EMFILE int
			}
			want := outcome{200, tc.wantEMFILE}
			got := outcome{resp.StatusCode, strings.Count(p.Stderr(), "too many open files")}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s\nstderr:\n%s", diff, p.Stderr())
			}
			if code := p.Stop(t, 10*time.Second); code != 0 {
				t.Errorf("exit status %d after SIGTERM, want 0", code)
			}
		})
	}
}
