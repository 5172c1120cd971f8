package chat

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"

	"example.com/wswalk/01-polling/poll"
)

// CookieName is the cookie the login form sets.
const CookieName = "username"

// cleanName and cleanBody are the course's one rule for what people may
// type (chapter 01's poll.CleanName, poll.CleanBody): no control, bidi or
// invisible characters in a name; in a body, no control characters but
// newline and tab, and no bidi controls. A body is not cut: one over the
// limit is refused with an error event, so nothing is lost unseen.
func cleanName(s string, max int) string { return poll.CleanName(s, max) }

func cleanBody(s string) string { return poll.CleanBody(s) }

// signName makes the cookie value: the name and an HMAC-SHA256 of it under
// the server's secret, both base64url. Editing either half breaks the
// match, and without the secret no one can make a matching pair.
func signName(secret []byte, name string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(name)) + "." +
		base64.RawURLEncoding.EncodeToString(nameMAC(secret, name))
}

// verifyName returns the name in a cookie value, and false when the value
// was not made by signName with this secret.
func verifyName(secret []byte, value string) (string, bool) {
	n, m, ok := strings.Cut(value, ".")
	if !ok {
		return "", false
	}
	name, err1 := base64.RawURLEncoding.DecodeString(n)
	mac, err2 := base64.RawURLEncoding.DecodeString(m)
	if err1 != nil || err2 != nil {
		return "", false
	}
	// hmac.Equal takes the same time however many bytes match, so timing
	// does not leak the right MAC byte by byte.
	if !hmac.Equal(mac, nameMAC(secret, string(name))) {
		return "", false
	}
	return string(name), true
}

func nameMAC(secret []byte, name string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("username=" + name))
	return m.Sum(nil)
}

// username picks the name for a request: a valid signed cookie (the name
// the login form gave this browser) wins; else ?username=, which is for
// scripts and tests, a wish and no proof of who anyone is; else "" (the
// caller names a guest). A forged or edited cookie is ignored, as if
// there were none.
func (s *Server) username(r *http.Request) string {
	if c, err := r.Cookie(CookieName); err == nil {
		if name, ok := verifyName(s.cfg.Secret, c.Value); ok {
			if name = cleanName(name, s.cfg.MaxName); name != "" {
				return name
			}
		} else {
			s.log.Info("forged or stale username cookie ignored", "remote", r.RemoteAddr)
		}
	}
	return cleanName(r.URL.Query().Get("username"), s.cfg.MaxName)
}

// serveLogin is the login form's target. POST sets the signed cookie (an
// empty name clears it) and sends the browser back to the page, or answers
// JSON when the page posts with fetch; GET tells the page who it is.
func (s *Server) serveLogin(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		name := ""
		if c, err := r.Cookie(CookieName); err == nil {
			name, _ = verifyName(s.cfg.Secret, c.Value)
		}
		writeJSON(w, http.StatusOK, map[string]string{"username": name})
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "use POST", http.StatusMethodNotAllowed)
		return
	}
	// A login form on another site must not rename our users.
	if !s.checkOrigin(r) {
		http.Error(w, "origin not allowed", http.StatusForbidden)
		return
	}
	name := cleanName(r.FormValue("username"), s.cfg.MaxName)
	cookie := &http.Cookie{
		Name:     CookieName,
		Value:    signName(s.cfg.Secret, name),
		Path:     "/",
		MaxAge:   30 * 24 * 3600,
		HttpOnly: true, // the page asks GET /login instead of reading it
		SameSite: http.SameSiteLaxMode,
	}
	if name == "" {
		cookie.Value, cookie.MaxAge = "", -1
	}
	http.SetCookie(w, cookie)
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		writeJSON(w, http.StatusOK, map[string]string{"username": name})
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
