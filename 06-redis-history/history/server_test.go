package history

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"example.com/wswalk/05-gorilla-chat/chat"
	"example.com/wswalk/testkit/redistest"
	"github.com/google/go-cmp/cmp"
)

// Two servers (two of chapter 05's hubs) in one test process, on one Redis
// room: messages typed on either reach the clients of both, in one order
// with the same IDs; joins and leaves too, with the members of both
// servers; and both replay the same history.
func TestTwoHubsOneRoom(t *testing.T) {
	t.Parallel()
	url := redistest.URL(t)
	room := uniqueRoom(t, url)
	a, b := startNode(t, url, room, 100, nil), startNode(t, url, room, 100, nil)

	ann, _ := a.join(t, "ann")
	bob, bobSees := b.join(t, "bob")
	// Presence is a notice: the newest replaces the older, and the other
	// server's list arrives through Redis a moment after the join. Each
	// side soon shows both.
	both := func(e chat.Event) bool {
		return e.Type == chat.TypeOnline && cmp.Equal([]string{"ann", "bob"}, names(e.Members))
	}
	if !both(bobSees) {
		bob.waitFor(both)
	}
	seen := ann.waitFor(both)
	if diff := cmp.Diff([2]string{"bob", "2"}, [2]string{seen.Username, fmt.Sprint(seen.Count)}); diff != "" {
		t.Errorf("who ann (on a) is told came, and the count (-want +got):\n%s", diff)
	}

	ann.say("hi from a")
	bob.say("hello from b")
	ann.say("how is b?")
	gotA, gotB := ann.messages(3), bob.messages(3)
	if diff := cmp.Diff(saids(gotA), saids(gotB)); diff != "" {
		t.Errorf("a and b delivered different orders (-a +b):\n%s", diff)
	}
	// Each server's own clients send in order, so that order must hold.
	var fromAnn []string
	for _, e := range gotA {
		if e.Username == "ann" {
			fromAnn = append(fromAnn, e.Body)
		}
	}
	if diff := cmp.Diff([]string{"hi from a", "how is b?"}, fromAnn); diff != "" {
		t.Errorf("ann's messages (-want +got):\n%s", diff)
	}

	// A joiner on either server replays the same history.
	carolA := dialPeer(t, a.wsURL("username=carol"))
	daveB := dialPeer(t, b.wsURL("username=dave"))
	if diff := cmp.Diff(saids(gotA), saids(carolA.messages(3))); diff != "" {
		t.Errorf("history replayed on a (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(saids(gotA), saids(daveB.messages(3))); diff != "" {
		t.Errorf("history replayed on b (-want +got):\n%s", diff)
	}

	// Presence notices carry the whole room: wait for the state, not for
	// one notice per join (the newest replaces an unsent older one).
	ann.waitFor(func(e chat.Event) bool {
		return isPresence(e) && cmp.Equal([]string{"ann", "bob", "carol", "dave"}, names(e.Members))
	})
	bob.conn.Close()
	left := ann.waitFor(func(e chat.Event) bool {
		return isPresence(e) && cmp.Equal([]string{"ann", "carol", "dave"}, names(e.Members))
	})
	if left.Type != chat.TypeOffline || left.Username != "bob" {
		t.Errorf("the notice after bob left: %s %s, want offline bob", left.Type, left.Username)
	}
}

// A server restarted on the same Redis: a client reconnecting with
// ?since=ID gets exactly the messages after ID, none twice, none missing.
func TestSinceAcrossServerRestart(t *testing.T) {
	t.Parallel()
	url := redistest.URL(t)
	room := uniqueRoom(t, url)
	before := startNode(t, url, room, 100, nil)
	ann, _ := before.join(t, "ann")
	for _, b := range []string{"one", "two", "three"} {
		ann.say(b)
	}
	sent := ann.messages(3)
	before.stop()

	after := startNode(t, url, room, 100, nil)
	back := dialPeer(t, after.wsURL("username=ann&since="+sent[0].ID))
	var replay []chat.Event
	for e := back.next(); e.Type != chat.TypeOnline; e = back.next() {
		replay = append(replay, e)
	}
	if diff := cmp.Diff(saids(sent[1:]), saids(replay)); diff != "" {
		t.Errorf("replay after a restart with since=%s (-want +got):\n%s", sent[0].ID, diff)
	}
	back.say("four")
	if got := back.messages(1)[0]; got.ID != "4" {
		t.Errorf("first ID after the restart = %q, want 4", got.ID)
	}
}

// A client asking for messages older than the kept window gets what is
// kept and one clear error event saying some are gone for good.
func TestSinceOlderThanWindow(t *testing.T) {
	t.Parallel()
	url := redistest.URL(t)
	n := startNode(t, url, uniqueRoom(t, url), 5, nil)
	ann, _ := n.join(t, "ann")
	for i := 1; i <= 10; i++ {
		ann.say("m" + string(rune('0'+i%10)))
	}
	ann.messages(10)

	late := dialPeer(t, n.wsURL("username=bob&since=2"))
	var replay []chat.Event
	var problems []string
	for e := late.next(); e.Type != chat.TypeOnline; e = late.next() {
		switch e.Type {
		case chat.TypeMessage:
			replay = append(replay, e)
		case chat.TypeError:
			problems = append(problems, e.Body)
		}
	}
	if len(problems) == 0 {
		// The answer to this client alone goes out after the room's
		// notices when both are waiting: it may follow the online one.
		problems = append(problems, late.waitFor(func(e chat.Event) bool { return e.Type == chat.TypeError }).Body)
	}
	if diff := cmp.Diff([]string{"6", "7", "8", "9", "10"}, ids(replay)); diff != "" {
		t.Errorf("replay (-want +got):\n%s", diff)
	}
	if len(problems) != 1 || !strings.Contains(problems[0], "no longer kept") {
		t.Errorf("error events = %q, want one saying messages since 2 are no longer kept", problems)
	}
}

// status reads a node's /status.
func (n *node) status(t *testing.T) Status {
	t.Helper()
	resp, err := http.Get(n.http.URL + "/status")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st Status
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	return st
}

// Redis killed under two running servers and started again, empty: both
// servers' clients are told once that Redis is away (and /status says
// so), a message typed meanwhile is refused with its key, nothing is
// stored or numbered outside Redis, both are told once that Redis is back,
// delivery resumes by itself with IDs above every ID given before, and
// when everything is shut down no goroutine is left behind.
func TestHubsThroughRedisOutage(t *testing.T) {
	goroutines := runtime.NumGoroutine()
	srv := redistest.Start(t)
	a, b := startNode(t, srv.URL(), "lobby", 100, nil), startNode(t, srv.URL(), "lobby", 100, nil)
	ann, _ := a.join(t, "ann")
	bob, _ := b.join(t, "bob")
	ann.say("before")
	if got := bob.messages(1)[0].Body; got != "before" {
		t.Fatalf("bob got %q, want before", got)
	}
	ann.messages(1)

	srv.Stop()
	// Nobody has typed yet, and both servers' clients are told already.
	for _, p := range []*peer{ann, bob} {
		e := p.waitFor(func(e chat.Event) bool { return e.Type == chat.TypeError })
		if e.Body != noticeLost {
			t.Errorf("notice on losing Redis = %q, want %q", e.Body, noticeLost)
		}
	}
	if st := a.status(t); !st.Degraded {
		t.Errorf("a's status during the outage = %+v, want degraded", st)
	}
	if err := ann.conn.WriteJSON(map[string]string{"body": "during", "key": "k-during"}); err != nil {
		t.Fatal(err)
	}
	refused := ann.waitFor(func(e chat.Event) bool { return e.Type == chat.TypeError })
	if refused.Key != "k-during" || !strings.Contains(refused.Body, "not sent") {
		t.Errorf("answer to a message during the outage = %+v, want not sent, with its key", refused)
	}

	srv.Restart()
	for _, p := range []*peer{ann, bob} {
		e := p.waitFor(func(e chat.Event) bool { return e.Type == chat.TypeError })
		if e.Body != noticeBack {
			t.Errorf("notice once Redis is back = %q, want %q", e.Body, noticeBack)
		}
	}
	eventually(t, 10*time.Second, "b's channel back", func() bool { return !b.status(t).Degraded })
	bob.say("after")
	got := ann.messages(1)[0]
	if got.Body != "after" || idOf(got) <= 1 {
		t.Errorf("ann after the outage: %+v, want after with an id above 1 (none given twice)", got)
	}

	ann.conn.Close()
	bob.conn.Close()
	a.stop()
	b.stop()
	eventually(t, 5*time.Second, "goroutines back to where they were", func() bool {
		return runtime.NumGoroutine() <= goroutines
	})
}

// People who leave or join one server while Redis is away are missed by
// the other server's hub; once Redis is back each server tells the others
// who it has, so the member lists are right again without anyone having
// to join or leave first.
func TestMembersAfterOutage(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	a, b := startNode(t, srv.URL(), "lobby", 100, nil), startNode(t, srv.URL(), "lobby", 100, nil)
	ann, _ := a.join(t, "ann")
	bob, _ := b.join(t, "bob")
	ann.waitFor(func(e chat.Event) bool { return e.Type == chat.TypeOnline && e.Username == "bob" })

	srv.Stop()
	eventually(t, 10*time.Second, "both see the channel down", func() bool {
		return a.status(t).Degraded && b.status(t).Degraded
	})
	bob.conn.Close()
	carol, _ := b.join(t, "carol") // b alone: its own online event, locally
	srv.Restart()
	eventually(t, 10*time.Second, "both channels back", func() bool {
		return !a.status(t).Degraded && !b.status(t).Degraded
	})
	// b announced its members on reconnecting, before dave's online event
	// in the channel's one order, or a read them from <room>:members.
	_, daveOnline := a.join(t, "dave")
	if diff := cmp.Diff([]string{"ann", "carol", "dave"}, names(daveOnline.Members)); diff != "" {
		t.Errorf("members dave sees on joining a after the outage (-want +got):\n%s", diff)
	}
	seen := carol.waitFor(func(e chat.Event) bool { return e.Type == chat.TypeOnline && e.Username == "dave" })
	if diff := cmp.Diff([]string{"ann", "carol", "dave"}, names(seen.Members)); diff != "" {
		t.Errorf("members carol (on b) sees when dave joins a (-want +got):\n%s", diff)
	}
}

// A server killed without a word (kill -9) leaves its entry in
// <room>:members and nothing else. Once the entry is four refresh periods
// old, the other servers take its people off their member lists.
func TestDeadServerLeavesTheList(t *testing.T) {
	t.Parallel()
	url := redistest.URL(t)
	room := uniqueRoom(t, url)
	o := testOptions(url, room, 100, nil)
	o.Refresh = 100 * time.Millisecond
	a := startNodeOpts(t, o, chat.Config{})
	ann, _ := a.join(t, "ann")

	ctx, k, rdb := context.Background(), KeysFor(room), client(t, url)
	ghost := chat.Member{ClientID: "deadbeef-1", Username: "ghost"}
	entry, _ := json.Marshal(memberEntry{Seen: time.Now().UnixMilli(), Members: []chat.Member{ghost}})
	rdb.HSet(ctx, k.Members, "ghost-server", entry)
	here, _ := json.Marshal(envelope{Server: "ghost-server", Members: []chat.Member{ghost}})
	rdb.Publish(ctx, k.Channel, here)
	seen := ann.waitFor(func(e chat.Event) bool { return e.Type == chat.TypeOnline && e.Username == "ghost" })
	if diff := cmp.Diff([]string{"ann", "ghost"}, names(seen.Members)); diff != "" {
		t.Fatalf("members once the ghost server announced its member (-want +got):\n%s", diff)
	}

	eventually(t, 5*time.Second, "the dead server's entry removed", func() bool {
		ok, err := rdb.HExists(ctx, k.Members, "ghost-server").Result()
		return err == nil && !ok
	})
	// The entry goes from Redis a moment before this server's list: wait
	// for the list (the next presence notice without the ghost).
	annAndBob := func(e chat.Event) bool {
		return isPresence(e) && cmp.Equal([]string{"ann", "bob"}, names(e.Members))
	}
	if bob, first := a.join(t, "bob"); !annAndBob(first) {
		bob.waitFor(annAndBob)
	}
}
