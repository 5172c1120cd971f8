package poll

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Limits of what the log accepts. A body is bounded so one client cannot
// fill the server's memory (or every other client's screen) with one post.
const (
	MaxBody     = 4 << 10 // bytes of a message body (4 KiB)
	MaxUsername = 32      // characters of a username
	// DefaultUsername is given to a message posted without a name.
	DefaultUsername = "anonymous"
	// Keep is how many messages the log remembers. Older ones are
	// forgotten, so a server left running with -tick stays small; IDs keep
	// increasing regardless.
	Keep = 1000
)

// ErrInvalid is the root of every validation error: errors.Is(err,
// ErrInvalid) means "the client sent something wrong" (an HTTP 400), not
// "the server failed".
var ErrInvalid = errors.New("invalid message")

// The validation errors, each an ErrInvalid.
var (
	ErrEmptyBody       = fmt.Errorf("%w: body is empty", ErrInvalid)
	ErrBodyTooLong     = fmt.Errorf("%w: body is over %d bytes", ErrInvalid, MaxBody)
	ErrNotUTF8         = fmt.Errorf("%w: text is not valid UTF-8", ErrInvalid)
	ErrUsernameTooLong = fmt.Errorf("%w: username is over %d characters", ErrInvalid, MaxUsername)
	ErrUsernameControl = fmt.Errorf("%w: username contains control, bidi or invisible characters", ErrInvalid)
	ErrBodyControl     = fmt.Errorf("%w: body contains control or bidi characters (newline and tab are fine)", ErrInvalid)
)

// Log is an in-memory message log: Append gives each message the next ID,
// Since reads what came after an ID. It is safe for concurrent use: one
// mutex guards the slice, and Since hands out a copy, so a reader never
// sees a message half written nor a slice that a later Append changes.
type Log struct {
	mu       sync.Mutex
	messages []Message // oldest first; messages[i].ID == first+i
	next     int64     // the ID the next message gets
	now      func() time.Time
}

// NewLog returns an empty log whose first message gets ID 1.
func NewLog() *Log {
	return &Log{next: 1, now: time.Now}
}

// Validate checks a message as Append would and returns the username as it
// would be stored (trimmed, or DefaultUsername when empty).
func Validate(username, body string) (string, error) {
	if !utf8.ValidString(username) || !utf8.ValidString(body) {
		return "", ErrNotUTF8
	}
	if strings.TrimSpace(body) == "" {
		return "", ErrEmptyBody
	}
	if len(body) > MaxBody {
		return "", ErrBodyTooLong
	}
	if CleanBody(body) != strings.TrimSpace(body) {
		return "", ErrBodyControl
	}
	username = strings.TrimSpace(username)
	if username == "" {
		username = DefaultUsername
	}
	if utf8.RuneCountInString(username) > MaxUsername {
		return "", ErrUsernameTooLong
	}
	if CleanName(username, MaxUsername) != username {
		return "", ErrUsernameControl
	}
	return username, nil
}

// Append validates and stores a message; see Store.
func (l *Log) Append(username, body string) (Message, error) {
	username, err := Validate(username, body)
	if err != nil {
		return Message{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	m := Message{ID: l.next, Username: username, Body: body, Time: l.now().UTC()}
	l.next++
	l.messages = append(l.messages, m)
	if len(l.messages) > Keep {
		// Copy down rather than re-slice, so the forgotten messages are
		// really freed and the backing array does not grow forever.
		n := copy(l.messages, l.messages[len(l.messages)-Keep:])
		clear(l.messages[n:])
		l.messages = l.messages[:n]
	}
	return m, nil
}

// Since returns a copy of the messages with ID > id, oldest first; an empty
// (non-nil) slice when there are none, so it encodes as [] and not null.
func (l *Log) Since(id int64) []Message {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.messages) == 0 {
		return []Message{}
	}
	// IDs are consecutive, so the first wanted message is found by
	// arithmetic instead of a search.
	start := id + 1 - l.messages[0].ID
	if start < 0 {
		start = 0
	}
	if start >= int64(len(l.messages)) {
		return []Message{}
	}
	return append([]Message{}, l.messages[start:]...)
}

// Last returns the ID of the newest message, 0 when the log is empty. A
// client that only wants what comes next starts with ?since=Last().
func (l *Log) Last() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.next - 1
}
