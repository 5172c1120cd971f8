package poll

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// do sends one request to h and returns the recorded response.
func do(h http.Handler, method, target, body string) *httptest.ResponseRecorder {
	var r *http.Request
	if body == "" {
		r = httptest.NewRequest(method, target, nil)
	} else {
		r = httptest.NewRequest(method, target, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestPostThenGet(t *testing.T) {
	l := NewLog()
	at := fixedClock(l)
	h := NewHandler(l)

	w := do(h, "POST", "/messages", `{"username":"ann","body":"hi"}`)
	if w.Code != http.StatusCreated {
		t.Fatalf("POST status = %d, want 201; body %s", w.Code, w.Body)
	}
	var posted Message
	if err := json.Unmarshal(w.Body.Bytes(), &posted); err != nil {
		t.Fatal(err)
	}
	want := Message{ID: 1, Username: "ann", Body: "hi", Time: at}
	if diff := cmp.Diff(want, posted); diff != "" {
		t.Fatalf("POST answer (-want +got):\n%s", diff)
	}
	// The message log's wire format, byte for byte.
	if got, wantJSON := w.Body.String(), `{"id":1,"username":"ann","body":"hi","time":"2026-11-25T09:00:00Z"}`+"\n"; got != wantJSON {
		t.Fatalf("POST body = %q, want %q", got, wantJSON)
	}

	for _, tc := range []struct {
		target string
		want   []Message
	}{
		{"/messages", []Message{want}},
		{"/messages?since=0", []Message{want}},
		{"/messages?since=1", []Message{}},
	} {
		w := do(h, "GET", tc.target, "")
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s status = %d, want 200", tc.target, w.Code)
		}
		if got := w.Header().Get("Cache-Control"); got != "no-store" {
			t.Errorf("GET %s Cache-Control = %q, want no-store", tc.target, got)
		}
		var got []Message
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("GET %s (-want +got):\n%s", tc.target, diff)
		}
	}
	if got := do(h, "GET", "/messages?since=1", "").Body.String(); got != "[]\n" {
		t.Errorf("empty answer = %q, want %q (an empty array, not null)", got, "[]\n")
	}
}

// TestBadRequests sends every kind of bad input and checks the status, the
// JSON error, the Allow header of a 405, and that nothing was stored.
func TestBadRequests(t *testing.T) {
	for _, tc := range []struct {
		name, method, target, body string
		status                     int
		errContains                string
		allow                      string
	}{
		{"malformed JSON", "POST", "/messages", `{"body":`, 400, "malformed JSON", ""},
		{"not an object", "POST", "/messages", `"hi"`, 400, "malformed JSON", ""},
		{"two objects", "POST", "/messages", `{"body":"a"}{"body":"b"}`, 400, "malformed JSON", ""},
		{"trailing garbage", "POST", "/messages", `{"body":"a"} x`, 400, "malformed JSON", ""},
		{"unknown field", "POST", "/messages", `{"body":"a","admin":true}`, 400, "unknown field", ""},
		{"wrong type", "POST", "/messages", `{"body":42}`, 400, "malformed JSON", ""},
		{"no request body", "POST", "/messages", "", 400, "request body is empty", ""},
		{"missing body field", "POST", "/messages", `{"username":"ann"}`, 400, "body is missing", ""},
		{"empty body", "POST", "/messages", `{"username":"ann","body":""}`, 400, "body is empty", ""},
		{"blank body", "POST", "/messages", `{"username":"ann","body":"  \n "}`, 400, "body is empty", ""},
		{"body over 4 KiB", "POST", "/messages", `{"body":"` + strings.Repeat("x", MaxBody+1) + `"}`, 400, "over 4096 bytes", ""},
		{"request over 64 KiB", "POST", "/messages", `{"body":"` + strings.Repeat("x", MaxRequest) + `"}`, 400, "over 65536 bytes", ""},
		{"username too long", "POST", "/messages", `{"username":"` + strings.Repeat("n", 33) + `","body":"hi"}`, 400, "username is over", ""},
		{"non-numeric since", "GET", "/messages?since=abc", "", 400, "since must be", ""},
		{"negative since", "GET", "/messages?since=-1", "", 400, "since must be", ""},
		{"fractional since", "GET", "/messages?since=1.5", "", 400, "since must be", ""},
		{"PUT", "PUT", "/messages", `{"body":"hi"}`, 405, "not allowed", "GET, POST"},
		{"DELETE", "DELETE", "/messages", "", 405, "not allowed", "GET, POST"},
		{"unknown path", "GET", "/nope", "", 404, "no such path", ""},
		{"post to unknown path", "POST", "/messages/1", `{"body":"hi"}`, 404, "no such path", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := NewLog()
			w := do(NewHandler(l), tc.method, tc.target, tc.body)
			if w.Code != tc.status {
				t.Errorf("status = %d, want %d; body %s", w.Code, tc.status, w.Body)
			}
			if got := w.Header().Get("Content-Type"); got != "application/json; charset=utf-8" {
				t.Errorf("Content-Type = %q, want JSON", got)
			}
			var e struct{ Error string }
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
				t.Fatalf("error body %q is not JSON: %v", w.Body, err)
			}
			if !strings.Contains(e.Error, tc.errContains) {
				t.Errorf("error = %q, want it to mention %q", e.Error, tc.errContains)
			}
			if got := w.Header().Get("Allow"); got != tc.allow {
				t.Errorf("Allow = %q, want %q", got, tc.allow)
			}
			if diff := cmp.Diff([]Message{}, l.Since(0)); diff != "" {
				t.Errorf("stored after a bad request (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGetWithFetch checks that another chapter can change how GET answers
// while keeping POST and the errors.
func TestGetWithFetch(t *testing.T) {
	l := NewLog()
	var asked []int64
	h := NewHandler(l, WithFetch(func(r *http.Request, since int64) ([]Message, error) {
		asked = append(asked, since)
		return []Message{{ID: 42, Body: "from fetch", Time: time.Time{}}}, nil
	}))
	w := do(h, "GET", "/messages?since=7", "")
	var got []Message
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Message{{ID: 42, Body: "from fetch"}}, got); diff != "" {
		t.Errorf("GET (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{7}, asked); diff != "" {
		t.Errorf("since passed to fetch (-want +got):\n%s", diff)
	}
	if w := do(h, "POST", "/messages", `{"body":"still works"}`); w.Code != http.StatusCreated {
		t.Errorf("POST status = %d, want 201", w.Code)
	}
}
