package chat

import (
	"context"
	"errors"
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

// ErrDegraded is wrapped by History.Add when the store behind it is impaired
// (Redis lost) but the message was still accepted: kept in memory and queued
// for a retry. The hub delivers the returned event as usual and tells its
// clients, with an error event, that history is degraded.
var ErrDegraded = errors.New("chat: history degraded")

// History keeps the room's last messages (100 by default) so a joiner can
// read what was said before it came. This package has the in-memory one;
// chapter 06 plugs a Redis one in behind the same two methods.
type History interface {
	// Add stores a message event, giving it the room's next ID, and returns
	// it as stored. An error wrapping ErrDegraded comes with a usable event
	// (see ErrDegraded); any other error means nothing was stored, and the
	// sender is told so with an error event rather than losing it silently.
	Add(ctx context.Context, e Event) (Event, error)
	// Since returns the kept messages with ID after id, oldest first; id ""
	// means every kept message.
	Since(ctx context.Context, id string) ([]Event, error)
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
