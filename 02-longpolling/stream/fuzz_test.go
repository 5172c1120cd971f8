package stream

import (
	"net/http/httptest"
	"strconv"
	"testing"
)

// FuzzResumePoint: whatever a client puts in Last-Event-ID or ?since=,
// never a panic, and an accepted value is the ID it wrote.
func FuzzResumePoint(f *testing.F) {
	for _, s := range []string{"", "0", "7", "-1", "9223372036854775808", "1e3", " 1", "x"} {
		f.Add(s, "")
		f.Add("", s)
	}
	f.Fuzz(func(t *testing.T, header, since string) {
		r := httptest.NewRequest("GET", "/events", nil)
		q := r.URL.Query()
		q.Set("since", since)
		r.URL.RawQuery = q.Encode()
		r.Header.Set("Last-Event-ID", header)
		n, err := ResumePoint(r)
		if err != nil {
			return
		}
		used := r.Header.Get("Last-Event-ID")
		if used == "" {
			used = since
		}
		if n < 0 || (used != "" && strconv.FormatInt(n, 10) != used && "+"+strconv.FormatInt(n, 10) != used &&
			!leadingZeros(used, n)) {
			t.Errorf("ResumePoint(%q, %q) = %d", header, since, n)
		}
	})
}

func leadingZeros(s string, n int64) bool {
	v, err := strconv.ParseInt(s, 10, 64)
	return err == nil && v == n
}
