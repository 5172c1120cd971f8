package poll

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fixedClock makes stored times predictable.
func fixedClock(l *Log) time.Time {
	t := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	l.now = func() time.Time { return t }
	return t
}

func TestAppendGivesConsecutiveIDs(t *testing.T) {
	l := NewLog()
	at := fixedClock(l)
	var got []Message
	for _, body := range []string{"one", "two", "three"} {
		m, err := l.Append("  ann ", body)
		if err != nil {
			t.Fatalf("Append(%q): %v", body, err)
		}
		got = append(got, m)
	}
	want := []Message{
		{ID: 1, Username: "ann", Body: "one", Time: at},
		{ID: 2, Username: "ann", Body: "two", Time: at},
		{ID: 3, Username: "ann", Body: "three", Time: at},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("appended messages (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, l.Since(0)); diff != "" {
		t.Fatalf("Since(0) (-want +got):\n%s", diff)
	}
}

func TestSince(t *testing.T) {
	l := NewLog()
	at := fixedClock(l)
	for i := 1; i <= 5; i++ {
		if _, err := l.Append("bob", fmt.Sprint("m", i)); err != nil {
			t.Fatal(err)
		}
	}
	msg := func(id int64) Message {
		return Message{ID: id, Username: "bob", Body: fmt.Sprint("m", id), Time: at}
	}
	for _, tc := range []struct {
		since int64
		want  []Message
	}{
		{0, []Message{msg(1), msg(2), msg(3), msg(4), msg(5)}},
		{3, []Message{msg(4), msg(5)}},
		{4, []Message{msg(5)}},
		{5, []Message{}},
		{99, []Message{}},
	} {
		got := l.Since(tc.since)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Since(%d) (-want +got):\n%s", tc.since, diff)
		}
		if got == nil {
			t.Errorf("Since(%d) = nil; want an empty slice so JSON says []", tc.since)
		}
	}
	if got := l.Last(); got != 5 {
		t.Errorf("Last() = %d, want 5", got)
	}
}

func TestSinceEmptyLog(t *testing.T) {
	got := NewLog().Since(0)
	if got == nil || len(got) != 0 {
		t.Fatalf("Since(0) on an empty log = %#v, want []", got)
	}
}

// TestSinceIsACopy checks that a reader cannot change the log.
func TestSinceIsACopy(t *testing.T) {
	l := NewLog()
	if _, err := l.Append("ann", "original"); err != nil {
		t.Fatal(err)
	}
	l.Since(0)[0].Body = "changed"
	if got := l.Since(0)[0].Body; got != "original" {
		t.Fatalf("stored body = %q after a reader changed its copy, want %q", got, "original")
	}
}

func TestAppendRejectsInvalid(t *testing.T) {
	for _, tc := range []struct {
		name, username, body string
		want                 error
	}{
		{"empty body", "ann", "", ErrEmptyBody},
		{"whitespace body", "ann", " \t\r\n ", ErrEmptyBody},
		{"body over 4 KiB", "ann", strings.Repeat("x", MaxBody+1), ErrBodyTooLong},
		{"username too long", strings.Repeat("n", MaxUsername+1), "hi", ErrUsernameTooLong},
		{"username with newline", "an\nn", "hi", ErrUsernameControl},
		{"body not UTF-8", "ann", "\xff\xfe", ErrNotUTF8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := NewLog()
			_, err := l.Append(tc.username, tc.body)
			if !errors.Is(err, tc.want) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Append error = %v, want %v (an ErrInvalid)", err, tc.want)
			}
			if got := l.Since(0); len(got) != 0 {
				t.Fatalf("stored %v after a rejected Append", got)
			}
			if got := l.Last(); got != 0 {
				t.Fatalf("Last() = %d after a rejected Append, want 0 (no ID used)", got)
			}
		})
	}
}

func TestAppendAcceptsLimits(t *testing.T) {
	l := NewLog()
	body := strings.Repeat("é", MaxBody/2) // exactly 4096 bytes
	m, err := l.Append(strings.Repeat("ü", MaxUsername), body)
	if err != nil {
		t.Fatalf("Append at the limits: %v", err)
	}
	if m.Body != body {
		t.Fatalf("body changed on the way in")
	}
	m, err = l.Append("   ", "hi")
	if err != nil {
		t.Fatal(err)
	}
	if m.Username != DefaultUsername {
		t.Fatalf("blank username stored as %q, want %q", m.Username, DefaultUsername)
	}
}

func TestLogKeepsTheNewest(t *testing.T) {
	l := NewLog()
	for i := 0; i < Keep+10; i++ {
		if _, err := l.Append("ann", "x"); err != nil {
			t.Fatal(err)
		}
	}
	got := l.Since(0)
	if len(got) != Keep || got[0].ID != 11 || got[len(got)-1].ID != Keep+10 {
		t.Fatalf("kept %d messages, ids %d..%d; want %d, ids 11..%d",
			len(got), got[0].ID, got[len(got)-1].ID, Keep, Keep+10)
	}
	if got := l.Since(Keep + 5); len(got) != 5 {
		t.Fatalf("Since(%d) gave %d messages, want 5", Keep+5, len(got))
	}
}

// TestLogConcurrent appends from many goroutines while others read (run it
// with -race): every ID is used once, and readers always see IDs in order.
func TestLogConcurrent(t *testing.T) {
	l := NewLog()
	const writers, each = 8, 50
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := l.Append("w", "x"); err != nil {
					t.Error(err)
				}
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				msgs := l.Since(0)
				for j := 1; j < len(msgs); j++ {
					if msgs[j].ID != msgs[j-1].ID+1 {
						t.Errorf("ids out of order: %d then %d", msgs[j-1].ID, msgs[j].ID)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	var ids []int64
	for _, m := range l.Since(0) {
		ids = append(ids, m.ID)
	}
	var want []int64
	for i := int64(1); i <= writers*each; i++ {
		want = append(want, i)
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Fatalf("ids (-want +got):\n%s", diff)
	}
}
