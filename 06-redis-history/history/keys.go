package history

// Keys names the Redis keys of one room (see the package comment).
type Keys struct {
	Seq     string // INCR counter, the last ID given out
	History string // list of JSON messages, oldest first
	Epoch   string // random name of this history, made when absent
	Sent    string // prefix of "<room>:sent:<key>" -> the ID stored for that key
	Members string // hash: server ID -> that server's members
	Channel string // Pub/Sub channel of the room's live events
}

// KeysFor returns the keys of room.
func KeysFor(room string) Keys {
	return Keys{
		Seq:     room + ":seq",
		History: room + ":history",
		Epoch:   room + ":epoch",
		Sent:    room + ":sent:",
		Members: room + ":members",
		Channel: room + ":events",
	}
}
