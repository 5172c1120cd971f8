package poll

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzParseSince: whatever the query, ParseSince either refuses it or
// returns a non-negative ID that is exactly what the query said.
func FuzzParseSince(f *testing.F) {
	for _, s := range []string{"since=0", "since=7", "since=-1", "since=abc", "since=1.5", "since=+3",
		"since=9223372036854775807", "since=9223372036854775808", "since=%20", "since=1&since=2", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		r := httptest.NewRequest("GET", "/messages", nil)
		r.URL.RawQuery = query
		id, err := ParseSince(r)
		if err != nil {
			if !strings.Contains(err.Error(), "since must be") {
				t.Fatalf("error %q does not say what since must be", err)
			}
			return
		}
		raw := r.URL.Query().Get("since")
		if id < 0 {
			t.Fatalf("ParseSince(%q) = %d, negative", query, id)
		}
		if raw == "" {
			if id != 0 {
				t.Fatalf("no since, got %d, want 0", id)
			}
			return
		}
		if n, err := strconv.ParseInt(raw, 10, 64); err != nil || n != id {
			t.Fatalf("ParseSince(%q) = %d, but since=%q", query, id, raw)
		}
	})
}

// FuzzPost sends any bytes as a POST body. The handler never fails on its
// own (no 500, no panic): it stores exactly the message the JSON held and
// answers 201, or answers 400 with a JSON error and stores nothing.
func FuzzPost(f *testing.F) {
	for _, s := range []string{`{"username":"ann","body":"hi"}`, `{"body":"<b>x</b>"}`, `{"body":""}`,
		`{"body":"   "}`, `{"body":`, `{"body":"a"}{"body":"b"}`, `{"body":"a"} x`, `{"body":42}`,
		`{"username":"a\u0000b","body":"x"}`, `{"body":"\ud800"}`, `{"body":"é\u00e9"}`, `null`, `[]`,
		"\xff\xfe", `{"body":null}`, `{"Body":"case"}`, `{"body":"x","body":"y"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		l := NewLog()
		w := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "/messages", strings.NewReader(string(body)))
		NewHandler(l).ServeHTTP(w, r)
		stored := l.Since(0)
		switch w.Code {
		case http.StatusCreated:
			var got Message
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatalf("201 with a body that is not a message: %q", w.Body)
			}
			if diff := cmp.Diff([]Message{got}, stored); diff != "" {
				t.Fatalf("201 but the store holds something else (-answer +stored):\n%s", diff)
			}
			var sent struct{ Body string }
			if err := json.Unmarshal(body, &sent); err != nil || sent.Body != got.Body {
				t.Fatalf("stored body %q, but the request's JSON body was %q (%v)", got.Body, sent.Body, err)
			}
		case http.StatusBadRequest:
			var e struct{ Error string }
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error == "" {
				t.Fatalf("400 without a JSON error: %q", w.Body)
			}
			if len(stored) != 0 {
				t.Fatalf("400 but %d message(s) stored", len(stored))
			}
		default:
			t.Fatalf("status %d for %q: want 201 or 400", w.Code, body)
		}
	})
}

// TestSinceQueryForms pins down forms the fuzzer explores: a "+" in a
// query is a space (so since=+3 is refused) while an escaped one is a sign;
// leading zeros are fine; a repeated since uses the first; an ID past
// int64 is refused.
func TestSinceQueryForms(t *testing.T) {
	got := map[string]string{}
	for _, q := range []string{"since=+3", "since=%2B3", "since=%20", "since=1&since=2", "since=9223372036854775808", "since=007"} {
		r := httptest.NewRequest("GET", "/messages?"+q, nil)
		id, err := ParseSince(r)
		if err != nil {
			got[q] = "error"
		} else {
			got[q] = strconv.FormatInt(id, 10)
		}
	}
	want := map[string]string{
		"since=+3": "error", "since=%2B3": "3", "since=%20": "error", "since=1&since=2": "1",
		"since=9223372036854775808": "error", "since=007": "7",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
