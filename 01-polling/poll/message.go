package poll

import "time"

// Message is one entry of the log, as it travels in JSON:
//
//	{"id":7,"username":"ann","body":"hi","time":"2026-11-25T09:00:00Z"}
//
// IDs start at 1 and increase by one, so a client that has seen ID n asks
// for `?since=n` and gets exactly what it has not seen.
type Message struct {
	ID       int64     `json:"id"`
	Username string    `json:"username"`
	Body     string    `json:"body"`
	Time     time.Time `json:"time"`
}

// Store is what the HTTP API needs of a message log. *Log is the in-memory
// one; chapter 02 wraps a Store to wake the clients it holds open.
type Store interface {
	// Append validates and stores a message, giving it the next ID and the
	// current time, and returns it as stored. An invalid message (empty or
	// over-long body) is an error and nothing is stored.
	Append(username, body string) (Message, error)
	// Since returns the messages with ID > id, oldest first (empty, not nil,
	// when there are none).
	Since(id int64) []Message
}
