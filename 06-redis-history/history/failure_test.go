package history

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/wswalk/05-gorilla-chat/chat"
	"example.com/wswalk/testkit/redistest"
	"github.com/gorilla/websocket"
)

// A Redis fault in the middle of a conversation, on two servers of one
// room: two senders (one per server), an observer on each server reading
// all along, and a client on the second server that reconnects every
// 300 ms with ?since= and ?epoch= of the last message it saw. Whatever
// the fault, no ID is shown for two messages, no message is shown under
// two IDs, no healthy client is evicted, every message a sender was told
// is sent reaches everyone, the resuming client misses nothing the store
// kept, and data lost by Redis itself is announced (a new epoch).
func TestRedisFaults(t *testing.T) {
	t.Parallel()
	faults := []struct {
		name       string
		persistent bool
		fault      func(*redistest.Server)
		loses      bool // Redis's own data is gone: the resumer is told
	}{
		{"paused", false, func(s *redistest.Server) { s.Pause(); time.Sleep(2 * time.Second); s.Resume() }, false},
		{"killed-aof", true, func(s *redistest.Server) { s.Stop(); time.Sleep(time.Second); s.Restart() }, false},
		{"killed-no-persistence", false, func(s *redistest.Server) { s.Stop(); time.Sleep(time.Second); s.Restart() }, true},
	}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			srv := redistest.Start(t)
			if f.persistent {
				srv = redistest.StartPersistent(t)
			}
			o := testOptions(srv.URL(), "lobby", 1000, nil)
			o.Timeout = 500 * time.Millisecond
			a, b := startNodeOpts(t, o, chat.Config{}), startNodeOpts(t, o, chat.Config{})
			obsA, obsB := watch(t, a.wsURL("username=obs-a")), watch(t, b.wsURL("username=obs-b"))
			sendA, sendB := watch(t, a.wsURL("username=send-a")), watch(t, b.wsURL("username=send-b"))
			res := &resumer{url: b.wsURL("username=resumer")}
			stopResuming := res.run(t)

			var wg sync.WaitGroup
			for _, s := range []*watcher{sendA, sendB} {
				wg.Go(func() { s.sendMany(t, 60, 40*time.Millisecond) })
			}
			time.Sleep(700 * time.Millisecond)
			f.fault(srv)
			wg.Wait()
			accepted := append(sendA.accepted(), sendB.accepted()...)
			eventually(t, 10*time.Second, "both observers have every accepted message", func() bool {
				return obsA.hasKeys(accepted) && obsB.hasKeys(accepted)
			})
			stopResuming()

			for name, w := range map[string]*watcher{"obs-a": obsA, "obs-b": obsB, "send-a": sendA, "send-b": sendB} {
				w.checkOneIDPerMessage(t, name)
				if code := w.closed(); code != 0 {
					t.Errorf("%s was closed with %d: a healthy client evicted", name, code)
				}
			}
			res.checkNothingMissed(t, obsB)
			if res.resets() == 0 && f.loses {
				t.Error("Redis lost its data and the resuming client was not told (no reset notice)")
			}
			if res.resets() > 0 && !f.loses {
				t.Errorf("%d reset notices, but Redis kept its data", res.resets())
			}
			t.Logf("%s: %d of 120 accepted, %d refused; the resumer reconnected %d times",
				f.name, len(accepted), 120-len(accepted), res.rounds)
		})
	}
}

// watcher is one client reading everything, all along.
type watcher struct {
	conn *websocket.Conn
	mu   sync.Mutex
	seen []chat.Event
	code int // close code from the server, if any
	name string
	sent []string // keys this client sent
}

func watch(t *testing.T, url string) *watcher {
	w := &watcher{conn: dialPeer(t, url).conn}
	go func() {
		for {
			var e chat.Event
			_, data, err := w.conn.ReadMessage()
			if err != nil {
				if ce, ok := err.(*websocket.CloseError); ok {
					w.mu.Lock()
					w.code = ce.Code
					w.mu.Unlock()
				}
				return
			}
			if json.Unmarshal(data, &e) == nil {
				w.mu.Lock()
				w.seen = append(w.seen, e)
				w.mu.Unlock()
			}
		}
	}()
	return w
}

// sendMany sends n messages, each with a key of its own, every gap.
func (w *watcher) sendMany(t *testing.T, n int, gap time.Duration) {
	for i := range n {
		key := fmt.Sprintf("%p-%d", w, i)
		w.mu.Lock()
		w.sent = append(w.sent, key)
		w.mu.Unlock()
		if err := w.conn.WriteJSON(map[string]string{"body": "m" + fmt.Sprint(i), "key": key}); err != nil {
			t.Errorf("send %d: %v", i, err)
			return
		}
		time.Sleep(gap)
	}
	time.Sleep(time.Second) // the last answers
}

// accepted lists the keys of this client's messages that came back to it
// as messages (stored), whether or not it was also told one failed.
func (w *watcher) accepted() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var keys []string
	for _, e := range w.seen {
		if e.Type == chat.TypeMessage && strings.HasPrefix(e.Key, fmt.Sprintf("%p-", w)) {
			keys = append(keys, e.Key)
		}
	}
	return keys
}

func (w *watcher) hasKeys(keys []string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	have := map[string]bool{}
	for _, e := range w.seen {
		have[e.Key] = true
	}
	for _, k := range keys {
		if !have[k] {
			return false
		}
	}
	return true
}

func (w *watcher) closed() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.code
}

// checkOneIDPerMessage: every message once, one ID per message, one
// message per ID, IDs increasing.
func (w *watcher) checkOneIDPerMessage(t *testing.T, name string) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	byKey, byID := map[string]string{}, map[string]string{}
	last := int64(0)
	for _, e := range w.seen {
		if e.Type != chat.TypeMessage {
			continue
		}
		if k, ok := byID[e.ID]; ok {
			t.Errorf("%s: id %s shown for %s and again (for %s)", name, e.ID, k, e.Key)
		}
		if id, ok := byKey[e.Key]; ok {
			t.Errorf("%s: message %s shown under id %s and %s", name, e.Key, id, e.ID)
		}
		byKey[e.Key], byID[e.ID] = e.ID, e.Key
		if id := idOf(e); id <= last {
			t.Errorf("%s: id %d after %d", name, id, last)
		} else {
			last = id
		}
	}
}
