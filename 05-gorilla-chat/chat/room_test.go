package chat

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/gorilla/websocket"
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
	first := idNum(t, seen[0][0].ID)
	for i, e := range seen[0] {
		if got := idNum(t, e.ID); got != first+uint64(i) {
			t.Fatalf("event %d has id %d, want %d (ids increase by one)", i, got, first+uint64(i))
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

// A joiner first gets the history, oldest first, then its own online event
// (which everyone else gets too); ?since=ID replays only what came after ID.
func TestHistoryReplayThenOnline(t *testing.T) {
	t.Parallel()
	r := startRoom(t, Config{})
	ann := r.join(t, "ann")
	for _, b := range []string{"one", "two", "three"} {
		ann.say(b)
	}
	said := ann.messages(3)

	bob := dial(t, r.wsURL("/ws?username=bob"), nil)
	got := bob.readN(4)
	diff(t, "bob's first events", []kind{
		{TypeMessage, "ann", "one"}, {TypeMessage, "ann", "two"}, {TypeMessage, "ann", "three"},
		{TypeOnline, "bob", ""},
	}, kinds(got))
	diff(t, "replayed messages vs live ones", said, got[:3])
	diff(t, "bob's online event", Event{Type: TypeOnline, Username: "bob", Count: 2,
		Members: []Member{{Username: "ann"}, {Username: "bob"}}}, got[3],
		ignoreVolatile, cmpopts.IgnoreFields(Member{}, "ClientID"))
	diff(t, "what ann sees of bob's join", kind{TypeOnline, "bob", ""}, kinds([]Event{ann.presence()})[0])

	// bob goes away having seen "two" (say), comes back with ?since=.
	bob.conn.Close()
	ann.presence() // bob's offline
	ann.say("four")
	ann.messages(1) // stored: the replay below must hold it
	back := dial(t, r.wsURL("/ws?username=bob&since="+said[1].ID), nil)
	diff(t, "replay since two", []kind{
		{TypeMessage, "ann", "three"}, {TypeMessage, "ann", "four"}, {TypeOnline, "bob", ""},
	}, kinds(back.readN(3)))

	// Since the newest: nothing to replay, straight to the online event.
	ann.say("five")
	five := ann.messages(1)[0]
	up := dial(t, r.wsURL("/ws?username=cid&since="+five.ID), nil)
	diff(t, "replay since the newest", []kind{{TypeOnline, "cid", ""}}, kinds(up.readN(1)))
}

// A since that is no number, or older than what is kept, still gets the
// history there is, and an error event saying so.
func TestSinceTooOldOrBad(t *testing.T) {
	t.Parallel()
	r := startRoom(t, Config{History: NewMemoryHistory(2)})
	ann := r.join(t, "ann")
	for _, b := range []string{"one", "two", "three"} {
		ann.say(b)
	}
	all := ann.messages(3)
	beforeOne := fmt.Sprint(idNum(t, all[0].ID) - 1) // "one" is no longer kept
	for _, since := range []string{"abc", beforeOne} {
		p := dial(t, r.wsURL("/ws?username=bob&since="+since), nil)
		got := kinds(p.readN(4))
		// The error and the online notice are both notices: either may
		// come first. The error's wording is not the point.
		if got[2].Type == TypeOnline {
			got[2], got[3] = got[3], got[2]
		}
		got[2].Body = ""
		diff(t, "since="+since, []kind{
			{TypeMessage, "ann", "two"}, {TypeMessage, "ann", "three"}, {TypeError, "", ""}, {TypeOnline, "bob", ""},
		}, got)
	}
}

// Join and leave are announced to all with the room's count and list, and
// the count stays right however people leave: closing the tab (a close
// frame), the network going (TCP gone, no close frame), their server
// shutting down (another server of the same room sees them go).
func TestJoinLeaveAndMemberCount(t *testing.T) {
	t.Parallel()
	rooms := startRooms(t, 2, Config{})
	a, b := rooms[0], rooms[1]

	ann := a.join(t, "ann")
	type seen struct {
		Type, Username string
		Count          int
		Members        []string
	}
	look := func(e Event) seen { return seen{e.Type, e.Username, e.Count, names(e.Members)} }
	want := func(typ, name string, members ...string) seen {
		return seen{typ, name, len(members), members}
	}

	a.join(t, "bob")
	diff(t, "bob joins", want(TypeOnline, "bob", "ann", "bob"), look(ann.presence()))
	cid := a.join(t, "cid")
	diff(t, "cid joins", want(TypeOnline, "cid", "ann", "bob", "cid"), look(ann.presence()))
	dan := a.join(t, "dan")
	diff(t, "dan joins", want(TypeOnline, "dan", "ann", "bob", "cid", "dan"), look(ann.presence()))
	b.join(t, "eve") // on the other server
	diff(t, "eve joins elsewhere", want(TypeOnline, "eve", "ann", "bob", "cid", "dan", "eve"), look(ann.presence()))

	// Closing the tab: the browser sends close 1001.
	cid.conn.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseGoingAway, ""), time.Now().Add(time.Second))
	diff(t, "cid closes the tab", want(TypeOffline, "cid", "ann", "bob", "dan", "eve"), look(ann.presence()))

	// The network going: the TCP connection ends without a close frame.
	dan.conn.NetConn().Close()
	diff(t, "dan's network goes", want(TypeOffline, "dan", "ann", "bob", "eve"), look(ann.presence()))

	// eve's server shuts down: eve gets 1001 and ann sees her go.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := b.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	diff(t, "eve's server shuts down", want(TypeOffline, "eve", "ann", "bob"), look(ann.presence()))

	st := a.Stats()
	diff(t, "server a's clients and room size", [2]int{2, 2}, [2]int{st.Clients, st.Members})
}
