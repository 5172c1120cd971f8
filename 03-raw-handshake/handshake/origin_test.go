package handshake

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// mustOrigins is NewOrigins for tests.
func mustOrigins(t testing.TB, served []string, allow ...string) *Origins {
	t.Helper()
	o, err := NewOrigins(served, allow)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestOriginsAllowed is the rule, case by case: what a server at
// 127.0.0.1:8003 (the chapter's default) lets in.
func TestOriginsAllowed(t *testing.T) {
	loopback := mustOrigins(t, []string{"127.0.0.1:8003"})
	friend := mustOrigins(t, []string{"127.0.0.1:8003"}, "https://app.example", "http://192.168.1.20:8005/")
	anyone := mustOrigins(t, []string{"127.0.0.1:8003"}, "*")
	port80 := mustOrigins(t, []string{"127.0.0.1:80"})
	tests := []struct {
		name   string
		policy *Origins
		origin string
		want   bool
	}{
		{"no Origin: not a browser", loopback, "", true},
		{"same origin by IP", loopback, "http://127.0.0.1:8003", true},
		{"same origin by localhost", loopback, "http://localhost:8003", true},
		{"same origin by IPv6 loopback", loopback, "http://[::1]:8003", true},
		{"IPv6 written long", loopback, "http://[0:0:0:0:0:0:0:1]:8003", true},
		{"scheme and host in any case", loopback, "HTTP://LocalHost:8003", true},
		{"DNS rebinding: the attacker's name", loopback, "http://evil.example:8003", false},
		{"a foreign site", loopback, "https://evil.example", false},
		{"another port is another origin", loopback, "http://127.0.0.1:8004", false},
		{"another scheme is another origin", loopback, "https://127.0.0.1:8003", false},
		{"no port means 80", loopback, "http://127.0.0.1", false},
		{"no port means 80, served on 80", port80, "http://127.0.0.1", true},
		{"port 80 written out", port80, "http://localhost:80", true},
		{"another loopback address", loopback, "http://127.0.0.2:8003", false},
		{"localhost with a trailing dot", loopback, "http://localhost.:8003", false},
		{"a subdomain of localhost", loopback, "http://evil.localhost:8003", false},
		{"IPv4 in IPv6", loopback, "http://[::ffff:127.0.0.1]:8003", false},
		{"null: a sandboxed or file:// page", loopback, "null", false},
		{"malformed: no scheme", loopback, "127.0.0.1:8003", false},
		{"malformed: a path", loopback, "http://127.0.0.1:8003/", false},
		{"malformed: user info", loopback, "http://evil@127.0.0.1:8003", false},
		{"malformed: user info, other way", loopback, "http://127.0.0.1:8003@evil.example", false},
		{"malformed: a query", loopback, "http://127.0.0.1:8003?x", false},
		{"malformed: a fragment", loopback, "http://127.0.0.1:8003#x", false},
		{"malformed: empty port", loopback, "http://127.0.0.1:", false},
		{"malformed: port 0", loopback, "http://127.0.0.1:0", false},
		{"malformed: port too big", loopback, "http://127.0.0.1:73539", false}, // 73539 mod 65536 = 8003
		{"malformed: signed port", loopback, "http://127.0.0.1:+8003", false},
		{"malformed: bare IPv6", loopback, "http://::1:8003", false},
		{"malformed: IPv6 zone", loopback, "http://[::1%25lo]:8003", false},
		{"malformed: IPv4 in brackets", loopback, "http://[127.0.0.1]:8003", false},
		{"malformed: space around", loopback, " http://127.0.0.1:8003", false},
		{"malformed: two origins", loopback, "http://127.0.0.1:8003 http://127.0.0.1:8003", false},
		{"malformed: scheme only", loopback, "http://", false},
		{"malformed: backslash", loopback, `http://127.0.0.1:8003\`, false},
		{"allow list", friend, "https://app.example", true},
		{"allow list, port written out", friend, "https://app.example:443", true},
		{"allow list, any case", friend, "https://APP.Example", true},
		{"allow list keeps the scheme", friend, "http://app.example", false},
		{"allow list keeps the port", friend, "https://app.example:8443", false},
		{"allow list, no subdomains", friend, "https://www.app.example", false},
		{"allow list entry with a slash", friend, "http://192.168.1.20:8005", true},
		{"allow list adds to same origin", friend, "http://localhost:8003", true},
		{"allow list, still not the attacker", friend, "http://evil.example:8003", false},
		{"*: anyone", anyone, "http://evil.example", true},
		{"*: even null", anyone, "null", true},
		{"no policy: no browser", nil, "http://127.0.0.1:8003", false},
		{"no policy: not a browser", nil, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.policy.Allowed(tt.origin)); diff != "" {
				t.Errorf("Allowed(%q) (-want +got):\n%s", tt.origin, diff)
			}
		})
	}
}

// TestOriginsServed checks which pages count as the server's own for each
// kind of listener address.
func TestOriginsServed(t *testing.T) {
	tests := []struct {
		served []string
		want   string
	}{
		{[]string{"127.0.0.1:8003"}, "http://localhost:8003 http://127.0.0.1:8003 http://[::1]:8003"},
		{[]string{"[::1]:8003"}, "http://localhost:8003 http://127.0.0.1:8003 http://[::1]:8003"},
		{[]string{"localhost:8003"}, "http://localhost:8003 http://127.0.0.1:8003 http://[::1]:8003"},
		{[]string{"127.0.0.2:8003"}, "http://localhost:8003 http://127.0.0.1:8003 http://[::1]:8003 http://127.0.0.2:8003"},
		{[]string{"192.168.1.20:8005"}, "http://192.168.1.20:8005"},
		{[]string{"Chat.Example:80"}, "http://chat.example"},
		{[]string{"127.0.0.1:8003", "127.0.0.1:8013"}, "http://localhost:8003 http://127.0.0.1:8003 http://[::1]:8003 " +
			"http://localhost:8013 http://127.0.0.1:8013 http://[::1]:8013"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, mustOrigins(t, tt.served).String()); diff != "" {
			t.Errorf("NewOrigins(%q) (-want +got):\n%s", tt.served, diff)
		}
	}
	got := mustOrigins(t, []string{"127.0.0.1:8003"}, "https://app.example", "*").String()
	if diff := cmp.Diff("* http://localhost:8003 http://127.0.0.1:8003 http://[::1]:8003 https://app.example", got); diff != "" {
		t.Errorf("String with an allow list (-want +got):\n%s", diff)
	}
}

// TestOriginsEveryInterface: a listener on every interface (-addr :8005)
// serves its pages from each of the machine's addresses and its name.
func TestOriginsEveryInterface(t *testing.T) {
	want := []string{"http://localhost:8005", "http://127.0.0.1:8005", "http://[::1]:8005"}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		ip, _ := netip.AddrFromSlice(a.(*net.IPNet).IP)
		want = append(want, "http://"+netip.AddrPortFrom(ip.Unmap(), 8005).String())
	}
	if name, err := os.Hostname(); err == nil {
		want = append(want, "http://"+strings.ToLower(name)+":8005")
	}
	for _, served := range []string{":8005", "0.0.0.0:8005", "[::]:8005"} {
		o := mustOrigins(t, []string{served})
		for _, origin := range want {
			if !o.Allowed(origin) {
				t.Errorf("served at %s: %s refused; allowed: %s", served, origin, o)
			}
		}
		for _, origin := range []string{"http://evil.example:8005", "http://127.0.0.1:8006"} {
			if o.Allowed(origin) {
				t.Errorf("served at %s: %s allowed", served, origin)
			}
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	o, err := OriginsFor(ln.Addr())
	if err != nil || !o.Allowed("http://"+ln.Addr().String()) {
		t.Errorf("OriginsFor(%s) = %v, %v: its own page refused", ln.Addr(), o, err)
	}
}

// TestNewOriginsRefuses: a policy that cannot mean what it says is an error
// at start-up, not a surprise 403 later.
func TestNewOriginsRefuses(t *testing.T) {
	tests := []struct {
		served, allow []string
		want          string
	}{
		{[]string{"127.0.0.1"}, nil, `served address "127.0.0.1": address 127.0.0.1: missing port in address`},
		{[]string{"127.0.0.1:0"}, nil, `served address "127.0.0.1:0": want a port from 1 to 65535 (listen first, then pass ln.Addr())`},
		{[]string{"bad host!:80"}, nil, `served address "bad host!:80": malformed host`},
		{nil, []string{"app.example:8443"}, `origin "app.example:8443": want scheme://host[:port], e.g. https://app.example or http://192.168.1.20:8005`},
		{nil, []string{"https://app.example/chat"}, `origin "https://app.example/chat": want scheme://host[:port], e.g. https://app.example or http://192.168.1.20:8005`},
		{nil, []string{"https://*.example"}, `origin "https://*.example": want scheme://host[:port], e.g. https://app.example or http://192.168.1.20:8005`},
		{nil, []string{"null"}, `origin "null" cannot be allowed: any page can have it; use "*" to allow every origin`},
	}
	for _, tt := range tests {
		_, err := NewOrigins(tt.served, tt.allow)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("NewOrigins(%q, %q) (-want +got):\n%s", tt.served, tt.allow, diff)
		}
	}
}

// TestOriginsCheck: the same rule for a net/http request, as gorilla's
// Upgrader.CheckOrigin calls it.
func TestOriginsCheck(t *testing.T) {
	o := mustOrigins(t, []string{"127.0.0.1:8005"})
	tests := []struct {
		name, head string
		want       bool
	}{
		{"no Origin", "Host: 127.0.0.1:8005\r\n", true},
		{"same origin", "Host: 127.0.0.1:8005\r\norigin: http://localhost:8005\r\n", true},
		{"DNS rebinding: Origin equals Host", "Host: evil.example\r\nOrigin: http://evil.example\r\n", false},
		{"two Origins", "Host: 127.0.0.1:8005\r\nOrigin: http://127.0.0.1:8005\r\nOrigin: http://127.0.0.1:8005\r\n", false},
	}
	for _, tt := range tests {
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET /ws HTTP/1.1\r\n" + tt.head + "\r\n")))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, o.Check(r)); diff != "" {
			t.Errorf("%s: Check (-want +got):\n%s", tt.name, diff)
		}
	}
}

// FuzzOrigin checks the rule on any Origin value and allow list: no panic,
// the same answer every time, case never matters, an allow list only ever
// adds, and without one nothing but the server's own three loopback
// origins gets in: no Host, no look-alike, no malformed value passes.
func FuzzOrigin(f *testing.F) {
	for _, s := range []string{"", "null", "http://127.0.0.1:8003", "http://localhost:8003", "http://[::1]:8003",
		"http://evil.example:8003", "http://evil@127.0.0.1:8003", "http://127.0.0.1:8003/", "https://app.example:443"} {
		f.Add(s, "")
		f.Add(s, "https://app.example,*")
	}
	own := map[string]bool{"http://localhost:8003": true, "http://127.0.0.1:8003": true, "http://[::1]:8003": true}
	base := mustOrigins(f, []string{"127.0.0.1:8003"})
	f.Fuzz(func(t *testing.T, origin, allow string) {
		got := base.Allowed(origin)
		if again := mustOrigins(t, []string{"127.0.0.1:8003"}).Allowed(origin); again != got {
			t.Fatalf("Allowed(%q) is %v, then %v", origin, got, again)
		}
		if isASCII(origin) {
			if up, low := base.Allowed(strings.ToUpper(origin)), base.Allowed(strings.ToLower(origin)); up != got || low != got {
				t.Errorf("Allowed(%q) = %v, but %v in upper case and %v in lower", origin, got, up, low)
			}
		}
		if got && origin != "" {
			p, ok := parseOrigin(origin)
			if !ok || !own[p.String()] {
				t.Errorf("Allowed(%q) with no allow list, which is none of %v", origin, own)
			}
		}
		o, err := NewOrigins([]string{"127.0.0.1:8003"}, splitComma(allow))
		if err != nil {
			return
		}
		if got && !o.Allowed(origin) {
			t.Errorf("allowing %q refused %q", allow, origin)
		}
		if o.Allowed(origin) && origin != "" && !o.any {
			// What gets in is a well-formed origin, named as it was allowed.
			p, ok := parseOrigin(origin)
			if !ok || !slices.Contains(strings.Fields(o.String()), p.String()) {
				t.Errorf("allowing %q let %q in: %v", allow, origin, o)
			}
		}
	})
}

func isASCII(s string) bool {
	for _, c := range []byte(s) {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// TestByAddr: a net/http server judges Origin against the address each
// request came in on, with the same allow list for all.
func TestByAddr(t *testing.T) {
	t.Parallel()
	rules := &ByAddr{Allow: []string{"https://app.example"}}
	at := func(local, origin string) bool {
		r := httptest.NewRequest("GET", "/ws", nil)
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		if local != "" {
			addr, err := net.ResolveTCPAddr("tcp", local)
			if err != nil {
				t.Fatal(err)
			}
			r = r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, addr))
		}
		return rules.Check(r)
	}
	got := []bool{
		at("127.0.0.1:8005", "http://localhost:8005"),
		at("127.0.0.1:8005", "http://127.0.0.1:8006"),
		at("127.0.0.1:8006", "http://127.0.0.1:8006"),
		at("127.0.0.1:8005", "https://app.example"),
		at("127.0.0.1:8005", "http://evil.example:8005"),
		at("", "http://localhost:8005"), // no address to judge by
		at("", ""),
	}
	if diff := cmp.Diff([]bool{true, false, true, true, false, false, true}, got); diff != "" {
		t.Errorf("allowed (-want +got):\n%s", diff)
	}
}
