package chat

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// login posts the login form and returns the cookie it set.
func (r *liveRoom) login(t *testing.T, name string) *http.Cookie {
	t.Helper()
	req, _ := http.NewRequest("POST", r.http.URL+"/login", strings.NewReader(url.Values{"username": {name}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", r.http.URL)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: HTTP %d, want 303 back to the page", resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		if c.Name == CookieName {
			return c
		}
	}
	t.Fatalf("login set no %q cookie", CookieName)
	return nil
}

// nameFor joins with the given query and cookie and returns the name the
// room gave.
func (r *liveRoom) nameFor(t *testing.T, query string, cookie *http.Cookie) string {
	t.Helper()
	h := http.Header{}
	if cookie != nil {
		h.Set("Cookie", cookie.Name+"="+cookie.Value)
	}
	before := r.Stats().Clients
	p := dial(t, r.wsURL("/ws"+query), h)
	e := p.waitFor(func(e Event) bool { return e.Type == TypeOnline })
	p.conn.Close()
	// Wait until the room has seen this client leave: otherwise its offline
	// event could reach another client of the test in the middle of what
	// that test expects to read.
	for deadline := time.Now().Add(5 * time.Second); r.Stats().Clients > before; {
		if time.Now().After(deadline) {
			t.Fatalf("the room still counts %d clients, %d before %s joined", r.Stats().Clients, before, e.Username)
		}
		time.Sleep(time.Millisecond)
	}
	return e.Username
}

func TestUsernameFromSignedCookie(t *testing.T) {
	t.Parallel()
	r := startRoom(t, Config{Secret: []byte("test secret")})
	cookie := r.login(t, "  Ann Lee  ")
	if !cookie.HttpOnly || cookie.Path != "/" {
		t.Errorf("cookie %+v: want HttpOnly, Path /", cookie)
	}
	diff(t, "name from the cookie", "Ann Lee", r.nameFor(t, "", cookie))

	// The page asks who it is (it cannot read an HttpOnly cookie).
	req, _ := http.NewRequest("GET", r.http.URL+"/login", nil)
	req.AddCookie(cookie)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var who map[string]string
	json.NewDecoder(resp.Body).Decode(&who)
	resp.Body.Close()
	diff(t, "GET /login", map[string]string{"username": "Ann Lee"}, who)

	// A verified name wins over ?username=, which anyone can type: Ann's
	// signed cookie is not overridden by asking to be someone else.
	diff(t, "cookie over query", "Ann Lee", r.nameFor(t, "?username=bot", cookie))
}

// Editing the cookie, or bringing one signed under another secret, gets
// you a guest name: the signature is what makes the name yours.
func TestForgedCookieIsRejected(t *testing.T) {
	t.Parallel()
	r := startRoom(t, Config{Secret: []byte("test secret")})
	real := r.login(t, "ann")
	_, mac, _ := strings.Cut(real.Value, ".")
	other := startRoom(t, Config{Secret: []byte("another secret")}).login(t, "admin")

	forgeries := map[string]string{
		"name edited":     base64.RawURLEncoding.EncodeToString([]byte("admin")) + "." + mac,
		"no signature":    base64.RawURLEncoding.EncodeToString([]byte("admin")),
		"plain name":      "admin",
		"other secret":    other.Value,
		"signature moved": mac + "." + mac,
		"bad base64":      "!!!.???",
	}
	for what, value := range forgeries {
		got := r.nameFor(t, "", &http.Cookie{Name: CookieName, Value: value})
		if !strings.HasPrefix(got, "guest-") {
			t.Errorf("%s: cookie %q gave the name %q, want a guest-N", what, value, got)
		}
	}
}

func TestGuestNamesAreNumbered(t *testing.T) {
	t.Parallel()
	r := startRoom(t, Config{})
	got := []string{r.nameFor(t, "", nil), r.nameFor(t, "?username=%20%20", nil), r.nameFor(t, "", nil)}
	diff(t, "guests", []string{"guest-1", "guest-2", "guest-3"}, got)
}

func TestNamesAndBodiesAreTrimmedAndLimited(t *testing.T) {
	t.Parallel()
	r := startRoom(t, Config{MaxName: 8, MaxBody: 10})
	diff(t, "long name", "abcdefgh", r.nameFor(t, "?username="+url.QueryEscape(" abcdefghijk "), nil))
	diff(t, "controls and bidi overrides", "evil", r.nameFor(t, "?username="+url.QueryEscape("e\nv\u202eil\x00"), nil))
	diff(t, "accents count as one", "éééééééé", r.nameFor(t, "?username="+url.QueryEscape("éééééééééé"), nil))

	ann := r.join(t, "ann")
	ann.say("  hi\r\n  there \t ")
	diff(t, "trimmed body keeps inner newlines", "hi\n  there", ann.messages(1)[0].Body)

	for _, bad := range []string{"   ", "0123456789x"} {
		ann.say(bad)
		e := ann.next()
		if e.Type != TypeError {
			t.Errorf("body %q: got %+v, want an error event", bad, e)
		}
	}
	ann.say("0123456789") // exactly the limit
	diff(t, "body at the limit", "0123456789", ann.messages(1)[0].Body)
}

func TestCleanName(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"  ann  ":          "ann",
		"a\tb":             "ab",
		"\u200bzero\u200d": "zero",
		"ann\xff":          "ann",
		"":                 "",
		"<script>":         "<script>", // kept as typed: the page renders text
	}
	for in, want := range tests {
		diff(t, "cleanName("+in+")", want, cleanName(in, DefaultMaxName))
	}
}

func FuzzVerifyName(f *testing.F) {
	secret := []byte("fuzz secret")
	f.Add("ann")
	f.Add("")
	f.Add("a.b")
	f.Add(signName(secret, "ann"))
	f.Fuzz(func(t *testing.T, s string) {
		// Any value: no panic, and only signed ones are accepted.
		if name, ok := verifyName(secret, s); ok && signName(secret, name) != s {
			t.Fatalf("accepted %q as %q, which signs as %q", s, name, signName(secret, name))
		}
		// Any name signs into a value that verifies back to it.
		name, ok := verifyName(secret, signName(secret, s))
		if !ok || name != s {
			t.Fatalf("round trip of %q gave %q, %v", s, name, ok)
		}
	})
}

// Whatever comes in, a cleaned name or body is valid UTF-8 with no control
// characters (a body keeps newlines and tabs), trimmed, within the limit,
// and cleaning it again changes nothing.
func FuzzClean(f *testing.F) {
	f.Add("  ann  ")
	f.Add("a\u202eb\x00c\r\n")
	f.Add("\xff\xfe")
	f.Add(strings.Repeat("é", 40))
	f.Fuzz(func(t *testing.T, s string) {
		name := cleanName(s, DefaultMaxName)
		body := cleanBody(s)
		for what, out := range map[string]string{"name": name, "body": body} {
			if !utf8.ValidString(out) {
				t.Fatalf("%s %q from %q is not UTF-8", what, out, s)
			}
			if out != strings.TrimSpace(out) {
				t.Fatalf("%s %q from %q is not trimmed", what, out, s)
			}
			for _, r := range out {
				if unicode.IsControl(r) && !(what == "body" && (r == '\n' || r == '\t')) {
					t.Fatalf("%s %q from %q keeps control %U", what, out, s, r)
				}
			}
		}
		if n := utf8.RuneCountInString(name); n > DefaultMaxName {
			t.Fatalf("name %q has %d runes, over %d", name, n, DefaultMaxName)
		}
		if again := cleanName(name, DefaultMaxName); again != name {
			t.Fatalf("cleanName not idempotent: %q then %q", name, again)
		}
		if again := cleanBody(body); again != body {
			t.Fatalf("cleanBody not idempotent: %q then %q", body, again)
		}
	})
}
