package history

import (
	"io"
	"log"
	"strconv"
	"testing"

	"example.com/wswalk/05-gorilla-chat/chat"
)

// offline is a Room that never connects: enough to parse what Redis holds.
func offline() *Room {
	return &Room{
		keys: KeysFor("fuzz"), keep: 100, server: "me", log: log.New(io.Discard, "", 0),
		published: map[string]bool{}, flushedOwn: map[int64]bool{}, members: map[string][]chat.Member{},
	}
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
		r := offline()
		for _, e := range r.decode([]string{payload}) {
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
