package chat

import (
	"fmt"
	"testing"
)

func TestBroadcastOrderAndContent(t *testing.T) {
	r := startRoom(t, Config{})
	ann := r.join(t, "ann")
	bob := r.join(t, "bob")
	cid := r.join(t, "cid")

	// Three people talk at once; everyone must see the same order, the
	// order of the IDs.
	done := make(chan struct{})
	for _, p := range []*peer{ann, bob} {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 20 {
				p.conn.WriteJSON(map[string]string{"body": fmt.Sprint(i)})
			}
		}()
	}
	<-done
	<-done
	cid.say("  <b>hi</b>  ")

	var seen [][]Event
	for _, p := range []*peer{ann, bob, cid} {
		seen = append(seen, p.messages(41))
	}
	diff(t, "bob's order vs ann's", seen[0], seen[1])
	diff(t, "cid's order vs ann's", seen[0], seen[2])
	for i, e := range seen[0] {
		if e.ID != fmt.Sprint(i+1) {
			t.Fatalf("event %d has id %q, want %d (ids increase by one)", i, e.ID, i+1)
		}
	}
	// Each sender's messages arrive in the order sent, bodies trimmed and
	// untouched otherwise (escaping is the page's job: textContent).
	bySender := map[string][]string{}
	for _, e := range seen[0] {
		bySender[e.Username] = append(bySender[e.Username], e.Body)
	}
	var count []string
	for i := range 20 {
		count = append(count, fmt.Sprint(i))
	}
	diff(t, "per sender", map[string][]string{"ann": count, "bob": count, "cid": {"<b>hi</b>"}}, bySender)
}
