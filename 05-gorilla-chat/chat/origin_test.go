package chat

import (
	"net/http"
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
