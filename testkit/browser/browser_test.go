package browser

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserRunsScript serves a page whose text is written by JavaScript and
// checks that the browser ran it: the smallest proof that page tests work.
func TestBrowserRunsScript(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><p id="out">waiting</p>
<script>setTimeout(() => { document.getElementById("out").textContent = "ran " + (6*7); }, 10)</script>`))
	}))
	defer srv.Close()

	ctx := New(t, 30*time.Second)
	Run(t, ctx, "open the page", chromedp.Navigate(srv.URL))
	if got := WaitText(t, ctx, "#out", "ran 42"); got != "ran 42" {
		t.Fatalf("text = %q, want %q", got, "ran 42")
	}
}
