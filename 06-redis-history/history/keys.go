package history

// Keys names the Redis keys of one room (see the package comment).
type Keys struct {
	Seq     string // INCR counter, the last ID given out
	History string // list of JSON messages, oldest first
	Members string // hash: server ID -> that server's members
	Channel string // Pub/Sub channel of the room's live events
}

// KeysFor returns the keys of room.
func KeysFor(room string) Keys {
	return Keys{
		Seq:     room + ":seq",
		History: room + ":history",
		Members: room + ":members",
		Channel: room + ":events",
	}
}
