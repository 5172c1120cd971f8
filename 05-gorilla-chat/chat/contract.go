package chat

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Event types, the "type" field of every server-to-client frame.
const (
	TypeMessage = "message" // someone said something
	TypeOnline  = "online"  // someone joined the room
	TypeOffline = "offline" // someone left it
	TypeError   = "error"   // what the server could not do, or a notice
)

// Event is one server-to-client frame: a JSON object, one per text frame.
//
//	{"type":"message","id":"42","client_id":"c7f3…","username":"ann","body":"hi","time":"…"}
//
// Message IDs are decimal integers as strings, increasing within a room; the
// History gives them out, so two servers sharing a room (chapter 06) never
// give the same ID twice. Online and offline events are notices: the room
// sends a member the newest one instead of every one (package room), so
// each carries the whole state, Count always and Members (the whole room)
// while it is small enough to list, and names the latest who came or went.
// A page draws its member list from the last such event alone.
type Event struct {
	Type     string    `json:"type"`
	ID       string    `json:"id,omitempty"`
	ClientID string    `json:"client_id,omitempty"`
	Username string    `json:"username,omitempty"`
	Body     string    `json:"body,omitempty"`
	Time     time.Time `json:"time"`
	Members  []Member  `json:"members,omitempty"`
	// Count is set on online and offline events: how many are in the room
	// after the change. It is always right, while Members is left out of
	// events for rooms too big to list (Config.MaxListed).
	Count int `json:"count,omitempty"`
	// Epoch names the history a message belongs to: a page resumes with
	// ?since=ID&epoch=E, and a history that lost its data has a new one.
	Epoch string `json:"epoch,omitempty"`
	// Key is the sender's name for its message ({"body":…,"key":…}), so a
	// message sent twice is stored once. On an error event it says which
	// message was not sent. It is never stored.
	Key string `json:"key,omitempty"`
}

// Member is one connected client, as listed in online/offline events.
type Member struct {
	ClientID string `json:"client_id"`
	Username string `json:"username"`
}

// ErrTooOld is returned by History.Since, with what is still kept, when the
// messages after the asked ID have partly been trimmed away: the client has
// missed some for good and is told so with an error event.
var ErrTooOld = errors.New("chat: history no longer reaches back that far")

// ErrReset is returned by History.Since, with what is kept now, when the
// history the client resumes from no longer exists: its epoch is not this
// history's (the store lost its data, or this is another store), or its
// ID is one this history never gave. Loss is announced, never silent.
var ErrReset = errors.New("chat: the history was reset")

// Cursor is where a client resumes: after the message with ID After, of
// the history whose epoch is Epoch (what ?since= and ?epoch= say).
type Cursor struct {
	After uint64 // 0: from the start of what is kept
	Epoch string // "": the client knows of no epoch, do not compare
}

// ParseCursor reads ?since= and ?epoch=. since is "" or a decimal message
// ID from 0 to 2⁶³-1 (what Redis's INCR can give); anything else is an
// error that says so, and the caller replays all there is.
func ParseCursor(since, epoch string) (Cursor, error) {
	c := Cursor{Epoch: epoch}
	if since == "" {
		return c, nil
	}
	n, err := strconv.ParseUint(since, 10, 63)
	if err != nil {
		return Cursor{Epoch: epoch}, fmt.Errorf("since=%q is not a message id", since)
	}
	c.After = n
	return c, nil
}

// History keeps the room's last messages (100 by default) so a joiner can
// read what was said before it came. This package has the in-memory one;
// chapter 06 plugs a Redis one in behind the same two methods. The History
// gives the IDs, and only it: a message has one ID, for good.
type History interface {
	// Add stores a message event, giving it the room's next ID and the
	// history's epoch, and returns it as stored. e.Key names the message:
	// an Add with a key that was stored already stores nothing and returns
	// the stored message, so a retry after a lost answer cannot store it
	// twice. An error means nothing was stored (as far as the History
	// knows), and the sender is told so rather than losing it silently.
	Add(ctx context.Context, e Event) (Event, error)
	// Since returns the kept messages after the cursor, oldest first,
	// with ErrTooOld when some after it were trimmed away and ErrReset
	// when the history it points into is gone (both with what is kept).
	Since(ctx context.Context, c Cursor) ([]Event, error)
}

// A Relay makes a server one of several that share one room (chapter 06
// does it over Redis). Without one, a server is the whole room: a stored
// message goes straight to its members.
type Relay interface {
	// Publish passes a stored message to every server of the room, this
	// one included; each hands it to its members with Server.Deliver. When
	// it fails, the server delivers the message here only and tells its
	// members that the room is degraded; it never stops chatting.
	Publish(ctx context.Context, e Event) error
	// Here tells the other servers who is on this one, after members came
	// or went (batched: at most once per presence notice). They pass it to
	// their Server.Elsewhere.
	Here(members []Member)
}
