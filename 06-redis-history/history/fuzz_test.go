package history

import (
	"strconv"
	"testing"

	"example.com/wswalk/05-gorilla-chat/chat"
)

// offline is a Store and its Relay that never connect: enough to parse
// what Redis holds and what arrives on the channel.
func offline() (*Store, *Relay) {
	s := &Store{keys: KeysFor("fuzz"), keep: 100, server: "me", log: quiet}
	return s, NewRelay(s, Options{})
}

// Whatever sits in the history list or arrives on the channel (another
// program may write there), the room neither panics nor passes on a
// message without an ID, nor delivers a message ID twice or backwards.
func FuzzReceive(f *testing.F) {
	for _, s := range []string{
		`{"server":"you","event":{"type":"message","id":"7","username":"ann","body":"hi","time":"2026-11-25T10:00:00Z"}}`,
		`{"server":"you","event":{"type":"online","client_id":"ab-1","username":"ann","members":[{"client_id":"ab-1","username":"ann"}]}}`,
		`{"server":"me","shown":true,"event":{"type":"message","id":"3"}}`,
		`{"server":"you","members":[{"client_id":"x","username":"y"}]}`,
		`{"id":"1","type":"message","body":"a history entry"}`,
		`{"server":"","event":null}`, `not json {`, `{"id":"-5"}`, `{"id":"99999999999999999999"}`, `[]`, `null`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, payload string) {
		s, r := offline()
		for _, e := range s.decode([]string{payload}) {
			if idOf(e) <= 0 {
				t.Errorf("decode kept an entry without a valid ID: %+v", e)
			}
		}
		rec := &recorder{}
		r.receive(payload, rec)
		r.receive(payload, rec) // the same again: at most once
		var last int64
		for _, e := range rec.got() {
			if e.Type != chat.TypeMessage {
				t.Errorf("delivered a %q event, want messages only", e.Type)
			}
			id, err := strconv.ParseInt(e.ID, 10, 64)
			if err == nil && id > 0 && id <= last {
				t.Errorf("message %d delivered after %d", id, last)
			}
			last = max(last, id)
		}
	})
}

// FuzzParseCursor: ?since= and ?epoch= from anyone, never a panic, and an
// accepted since is an ID that Redis's INCR can give, written back the same.
func FuzzParseCursor(f *testing.F) {
	for _, s := range []string{"", "0", "7", "9223372036854775807", "9223372036854775808",
		"18446744073709551615", "-1", "+1", "1e3", " 1", "007"} {
		f.Add(s, "ab12")
	}
	f.Fuzz(func(t *testing.T, since, epoch string) {
		c, err := chat.ParseCursor(since, epoch)
		if err != nil {
			return
		}
		if c.After > 1<<63-1 {
			t.Errorf("ParseCursor(%q) = %d: beyond any ID", since, c.After)
		}
		if since != "" {
			if n, err := strconv.ParseUint(since, 10, 64); err != nil || n != c.After {
				t.Errorf("ParseCursor(%q) = %d, want %d", since, c.After, n)
			}
		}
		if c.Epoch != epoch {
			t.Errorf("epoch %q became %q", epoch, c.Epoch)
		}
	})
}
