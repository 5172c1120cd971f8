package chat_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"example.com/wswalk/05-gorilla-chat/chat"
	"example.com/wswalk/testkit/browser"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// served is a chat Server listening on a real port, which can be stopped
// and started again on the same address (a restart, as the page sees it).
type served struct {
	addr string
	cfg  chat.Config
	room *chat.Server
	http *http.Server
}

func serve(t *testing.T, addr string, cfg chat.Config, before func(*chat.Server)) *served {
	t.Helper()
	cfg.Logger = quiet
	room := chat.NewServer(cfg)
	if before != nil {
		before(room)
	}
	var ln net.Listener
	var err error
	for range 50 { // the old socket may take a moment to go
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	s := &served{addr: ln.Addr().String(), cfg: cfg, room: room, http: &http.Server{Handler: room}}
	go s.http.Serve(ln)
	t.Cleanup(s.stop)
	return s
}

func (s *served) url() string { return "http://" + s.addr + "/" }

func (s *served) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	s.http.Shutdown(ctx)
	s.room.Shutdown(ctx)
}

// texts returns the textContent of every element matching selector.
func texts(t *testing.T, ctx context.Context, selector string) []string {
	t.Helper()
	var out []string
	browser.Run(t, ctx, "read "+selector, chromedp.Evaluate(
		`Array.from(document.querySelectorAll(`+jsString(selector)+`), e => e.textContent)`, &out))
	return out
}

func jsString(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// waitTexts waits until the elements matching selector hold want.
func waitTexts(t *testing.T, ctx context.Context, selector string, want []string) {
	t.Helper()
	for {
		got := texts(t, ctx, selector)
		if cmp.Equal(want, got) {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s (-want +got):\n%s", selector, cmp.Diff(want, got))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func login(t *testing.T, tab context.Context, name string) {
	t.Helper()
	browser.Run(t, tab, "log in as "+name,
		chromedp.SetValue("#login-name", name, chromedp.ByID),
		chromedp.Click("#login button", chromedp.ByQuery))
	browser.WaitText(t, tab, "#log", name+" joined")
	browser.WaitText(t, tab, "#state", "connected")
}

// Two pages, two names set with the login form: what one sends (Enter),
// the other shows, with the member list and the frames panel.
func TestPageTwoTabsExchangeMessages(t *testing.T) {
	s := serve(t, "127.0.0.1:0", chat.Config{}, nil)
	one := browser.New(t, 40*time.Second)
	browser.Run(t, one, "open the page", chromedp.Navigate(s.url()))
	browser.WaitText(t, one, "#state", "connected")
	login(t, one, "ann")

	two := browser.NewTab(t, one)
	browser.Run(t, two, "open the page", chromedp.Navigate(s.url()))
	login(t, two, "bob")
	waitTexts(t, one, "#members li", []string{"ann", "bob"})
	browser.WaitText(t, one, "#count", "2")

	// Shift+Enter is a new line; Enter sends.
	browser.Run(t, one, "type and send",
		chromedp.SendKeys("#body", "hello", chromedp.ByID),
		chromedp.KeyEvent("\r", chromedp.KeyModifiers(input.ModifierShift)),
		chromedp.SendKeys("#body", "bob", chromedp.ByID),
		chromedp.KeyEvent("\r"))
	waitTexts(t, two, "#log li.message .body", []string{"hello\nbob"})
	waitTexts(t, two, "#log li.message .user", []string{"ann"})
	waitTexts(t, one, "#log li.message .body", []string{"hello\nbob"})
	if v := texts(t, one, "#body"); v[0] != "" {
		t.Errorf("send box after sending: %q, want empty", v[0])
	}

	// The frames panel shows what went out and its size: the body and the
	// message's key, 16 hex digits.
	sent := `{"body":"hello\nbob","key":"0123456789abcdef"}`
	browser.WaitText(t, one, "#frames", "↑"+strconv.Itoa(len(sent))+`{"body":"hello\nbob","key":"`)

	// bob leaves: ann's page says so and counts one.
	browser.Run(t, two, "close bob's tab", chromedp.ActionFunc(func(ctx context.Context) error {
		return page.Close().Do(ctx)
	}))
	browser.WaitText(t, one, "#log", "bob left")
	waitTexts(t, one, "#members li", []string{"ann"})
	browser.WaitText(t, one, "#count", "1")
}

// A body that looks like HTML shows as text: nothing is parsed, nothing runs.
func TestPageRendersHTMLAsText(t *testing.T) {
	s := serve(t, "127.0.0.1:0", chat.Config{}, nil)
	tab := browser.New(t, 30*time.Second)
	browser.Run(t, tab, "open the page", chromedp.Navigate(s.url()))
	browser.WaitText(t, tab, "#state", "connected")

	evil := `<script>document.title="owned"</script><img src=x onerror="document.title='owned'"><b>bold</b>`
	mallory := dialRoom(t, s.addr, "mallory", "")
	mallory.WriteJSON(map[string]string{"body": evil})
	waitTexts(t, tab, "#log li.message .body", []string{evil})

	var elements int
	var title string
	browser.Run(t, tab, "look for parsed HTML",
		chromedp.Evaluate(`document.querySelectorAll("#log script, #log img, #log b").length`, &elements),
		chromedp.Title(&title))
	if elements != 0 || title == "owned" {
		t.Errorf("the body was parsed as HTML: %d elements in the log, title %q", elements, title)
	}
}

// The server restarts; the page reconnects by itself, with ?since=, and
// shows what was said while it was away once, and nothing twice.
func TestPageReconnectsAfterRestart(t *testing.T) {
	// The history outlives the process, as chapter 06's Redis does.
	history := chat.NewMemoryHistory(0)
	s := serve(t, "127.0.0.1:0", chat.Config{History: history}, nil)
	tab := browser.New(t, 40*time.Second)
	browser.Run(t, tab, "open the page", chromedp.Navigate(s.url()))
	browser.WaitText(t, tab, "#state", "connected")
	if err := s.room.Publish(context.Background(), "ann", "before"); err != nil {
		t.Fatal(err)
	}
	waitTexts(t, tab, "#log li.message .body", []string{"before"})

	s.stop()
	browser.WaitText(t, tab, "#state", "retrying")
	s = serve(t, s.addr, chat.Config{History: history}, func(room *chat.Server) {
		// Said before the page can be back: it must come in the replay.
		if err := room.Publish(context.Background(), "ann", "while you were away"); err != nil {
			t.Fatal(err)
		}
	})
	browser.WaitText(t, tab, "#state", "connected")
	s.room.Publish(context.Background(), "ann", "after")
	waitTexts(t, tab, "#log li.message .body", []string{"before", "while you were away", "after"})

	var url string
	browser.Run(t, tab, "the socket's URL", chromedp.Evaluate(`document.getElementById("state").title`, &url))
	if !strings.Contains(url, "?since=") {
		t.Errorf("reconnected to %s, want ?since=", url)
	}
}

func dialRoom(t *testing.T, addr, name, origin string) *websocket.Conn {
	t.Helper()
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	c, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws?username="+name, h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
