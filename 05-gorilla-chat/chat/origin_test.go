package chat

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// The Origin header is the only thing telling a WebSocket server which page
// is asking (browsers send the cookie to any site): a foreign one gets 403.
func TestOriginCheck(t *testing.T) {
	t.Parallel()
	r := startRoom(t, Config{Origins: []string{"http://localhost:3000/"}})
	origin := func(o string) http.Header { return http.Header{"Origin": {o}} }

	for _, ok := range []string{r.http.URL, "http://localhost:3000"} {
		p := dial(t, r.wsURL("/ws?username=ann"), origin(ok))
		p.waitFor(func(e Event) bool { return e.Type == TypeOnline })
	}
	dial(t, r.wsURL("/ws?username=script"), nil) // no Origin: not a browser

	for _, bad := range []string{"http://evil.example", "http://localhost:3001", "null", "http://localhost:3000.evil.example"} {
		diff(t, "origin "+bad, http.StatusForbidden, dialStatus(t, r.wsURL("/ws"), origin(bad)))
		diff(t, "echo from "+bad, http.StatusForbidden, dialStatus(t, r.wsURL("/echo"), origin(bad)))
	}

	// DNS rebinding: the attacker's name, pointed at 127.0.0.1, is both
	// the Host and the Origin. "Origin equals Host" would let it in; the
	// address the server is reached at does not.
	port := r.http.URL[strings.LastIndex(r.http.URL, ":")+1:]
	rebound := http.Header{"Origin": {"http://evil.example:" + port}, "Host": {"evil.example:" + port}}
	diff(t, "rebound origin and host", http.StatusForbidden, dialStatus(t, r.wsURL("/ws"), rebound))
	dial(t, r.wsURL("/ws?username=local"), origin("http://localhost:"+port)) // a loopback server's other name

	// Nor may a form on another site log our users in as someone else.
	req, _ := http.NewRequest("POST", r.http.URL+"/login", strings.NewReader(url.Values{"username": {"mallory"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://evil.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	diff(t, "foreign login form", http.StatusForbidden, resp.StatusCode)
	if len(resp.Cookies()) != 0 {
		t.Errorf("foreign login set cookies %v", resp.Cookies())
	}
}

// The tutorials' check_origin returned True. This shows what that allows:
// a page on any site opens the room with the visitor's cookie, so it joins
// as the visitor and reads the room's history. With the Origin check, the
// same handshake gets 403.
func TestCrossSiteWebSocketHijacking(t *testing.T) {
	t.Parallel()
	history := NewMemoryHistory(0)
	cfg := Config{Secret: []byte("test secret"), History: history, Logger: quiet}
	r := startRoom(t, cfg)
	ann := r.join(t, "ann")
	ann.say("the exam answers are in room 12")
	ann.messages(1)
	annCookie := r.login(t, "ann") // what ann's browser holds

	// evil.example's page, in ann's browser: the browser adds her cookie
	// and an Origin header it cannot fake.
	attack := http.Header{"Origin": {"http://evil.example"}, "Cookie": {CookieName + "=" + annCookie.Value}}
	diff(t, "foreign page with ann's cookie", http.StatusForbidden, dialStatus(t, r.wsURL("/ws"), attack))

	// The same room served the tutorials' way: every origin accepted.
	naive := NewServer(cfg)
	naive.upgrader.CheckOrigin = func(*http.Request) bool { return true }
	ts := httptest.NewServer(naive)
	defer ts.Close()
	defer naive.Shutdown(t.Context())
	evil := dial(t, "ws"+strings.TrimPrefix(ts.URL, "http")+"/ws", attack)
	diff(t, "what evil.example reads, as ann", []kind{
		{TypeMessage, "ann", "the exam answers are in room 12"}, {TypeOnline, "ann", ""},
	}, kinds(evil.readN(2)))
}
