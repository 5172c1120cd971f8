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
	TypeError   = "error"   // what the server could not do for this client

	// TypeMembers travels only between servers, through a Relay, and is
	// never sent to a browser: one server's list of its own members, so a
	// server that starts late learns who is already in the room.
	TypeMembers = "members"
)

// Event is one server-to-client frame: a JSON object, one per text frame.
//
//	{"type":"message","id":"42","client_id":"c7f3…","username":"ann","body":"hi","time":"…"}
//
// Message IDs are decimal integers as strings, increasing within a room; the
// History gives them out, so two servers sharing a room (chapter 06) never
// give the same ID twice. Members is set on online and offline events: the
// whole room after the change, so a page can draw its member list from the
// last such event alone.
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

// Relay joins the hubs of several server processes into one room (chapter
// 06: Redis Pub/Sub). A hub with a Relay publishes every event (message,
// online, offline) through it and delivers to its own clients what comes
// back, its own events included, so every server delivers one order. When
// Publish fails, the hub delivers the event locally and tells its clients
// the room is degraded; it never stops chatting.
type Relay interface {
	// Publish sends e to every server in the room, this one included.
	Publish(ctx context.Context, e Event) error
	// Subscribe calls deliver for every event published in the room, in
	// order, until ctx ends. It returns only when ctx ends, reconnecting by
	// itself when the connection behind it is lost.
	Subscribe(ctx context.Context, deliver func(Event)) error
}
