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
	"example.com/wswalk/01-polling/wire"
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

// settle reads the stats once the technique's server counters, taken from
// before, agree with what the clients counted at their own connections:
// the same requests, and every byte one side wrote read by the other. A
// request's last bytes reach the other side's counters a moment after they
// were written. After two seconds it returns what it has; the Result then
// shows the disagreement (Server against Client).
func (a *api) settle(ctx context.Context, technique string, before wire.Stats, clients func() poll.Report) (compare.Stats, error) {
	deadline := time.Now().Add(2 * time.Second)
	for {
		s, err := a.stats(ctx)
		if err != nil {
			return s, err
		}
		if agree(diff(s.Techniques[technique], before), clients()) || time.Now().After(deadline) {
			return s, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// agree reports whether a server's counters match its clients': the server
// reads what the clients write and the other way round.
func agree(server wire.Stats, clients poll.Report) bool {
	return server.Requests == clients.Requests &&
		server.BytesIn == clients.BytesOut &&
		server.BytesOut == clients.BytesIn
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
