package load

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/05-gorilla-chat/compare"
)

// api talks to the demo's endpoints on its main port (see
// compare.Demo.Handler). Its traffic is not counted as any technique's.
type api struct {
	base string
	http *http.Client
}

func newAPI(base string) *api {
	return &api{base: strings.TrimSuffix(base, "/"), http: &http.Client{Timeout: 10 * time.Second}}
}

func (a *api) config(ctx context.Context) (compare.Config, error) {
	var c compare.Config
	return c, a.do(ctx, http.MethodGet, "/compare/api/config", nil, http.StatusOK, &c)
}

func (a *api) stats(ctx context.Context) (compare.Stats, error) {
	var s compare.Stats
	return s, a.do(ctx, http.MethodGet, "/compare/api/stats", nil, http.StatusOK, &s)
}

func (a *api) send(ctx context.Context, username, body string) (poll.Message, error) {
	var m poll.Message
	in := map[string]string{"username": username, "body": body}
	return m, a.do(ctx, http.MethodPost, "/compare/api/send", in, http.StatusCreated, &m)
}

// waitRequests waits until the technique's server has seen at least n
// requests in all.
func (a *api) waitRequests(ctx context.Context, technique string, n int64, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		s, err := a.stats(ctx)
		if err != nil {
			return err
		}
		got := s.Techniques[technique].Requests
		if got >= n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the server saw %d requests after %v, want %d", got, timeout, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// settle reads the stats once the technique's server has read bytesIn
// bytes in all (everything the clients wrote) and its counters have stopped
// moving, or after two seconds. A connection's last bytes reach the
// server's counters a moment after the client has written them.
func (a *api) settle(ctx context.Context, technique string, bytesIn int64) (compare.Stats, error) {
	deadline := time.Now().Add(2 * time.Second)
	var prev compare.Stats
	for i := 0; ; i++ {
		s, err := a.stats(ctx)
		if err != nil {
			return s, err
		}
		cur, old := s.Techniques[technique], prev.Techniques[technique]
		if i > 0 && cur.BytesIn >= bytesIn && cur == old {
			return s, nil
		}
		if time.Now().After(deadline) {
			return s, nil
		}
		prev = s
		time.Sleep(50 * time.Millisecond)
	}
}

func (a *api) do(ctx context.Context, method, path string, in any, want int, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(b)))
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	return nil
}
