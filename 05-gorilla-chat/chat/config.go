package chat

import (
	"crypto/rand"
	"io/fs"
	"log/slog"
	"time"

	"example.com/wswalk/05-gorilla-chat/web"
)

// Config is everything a Server can be told. The zero value is a working
// single-server room with the defaults below.
type Config struct {
	// History keeps the room's last messages; nil means NewMemoryHistory(100).
	History History
	// Relay shares the room with other servers (chapter 06); nil means
	// this server is the whole room.
	Relay Relay

	// Origins lists the browser origins allowed besides the page's own,
	// each as scheme://host[:port] ("http://localhost:3000"). A WebSocket
	// handshake from any other origin gets 403: see checkOrigin.
	Origins []string
	// Secret signs the username cookie (HMAC-SHA256). Nil means a random
	// key per process: cookies then last until the server restarts.
	Secret []byte

	// PingPeriod is how often the server pings an idle client (25s);
	// PongWait how long past that it waits for a sign of life (10s), so a
	// dead peer is dropped within PingPeriod+PongWait.
	PingPeriod time.Duration
	PongWait   time.Duration
	// WriteWait bounds every write to a client (10s).
	WriteWait time.Duration
	// MaxMessage is the read limit per message (64 KiB): larger gets 1009.
	MaxMessage int64
	// MaxBody is the longest chat body accepted, in bytes after trimming
	// (4096); MaxName the longest username, in runes (32).
	MaxBody int
	MaxName int
	// SendQueue is how many chat messages may wait for a slow client (64)
	// before it is disconnected with 1008, so that it never slows the
	// room. Notices (presence, errors) take no place in it.
	SendQueue int
	// MaxListed is the largest room whose member list is sent in online
	// and offline events (100); larger rooms get the count alone.
	MaxListed int

	// Compress negotiates permessage-deflate (RFC 7692) when the client offers it.
	Compress bool
	// Tick, when positive, has the server post the time at that interval.
	Tick time.Duration

	// Page is the web page served at /; nil means the embedded one.
	Page fs.FS
	// Logger gets one line per join, leave and trouble; nil means slog.Default().
	Logger *slog.Logger
}

// Defaults, exported so the command's flags show them.
const (
	DefaultPingPeriod = 25 * time.Second
	DefaultPongWait   = 10 * time.Second
	DefaultWriteWait  = 10 * time.Second
	DefaultMaxMessage = 64 << 10
	DefaultMaxBody    = 4096
	DefaultMaxName    = 32
	DefaultSendQueue  = 64
	DefaultMaxListed  = 100
	DefaultHistory    = 100
)

// withDefaults fills in every zero field.
func (c Config) withDefaults() Config {
	if c.History == nil {
		c.History = NewMemoryHistory(DefaultHistory)
	}
	if len(c.Secret) == 0 {
		c.Secret = make([]byte, 32)
		rand.Read(c.Secret)
	}
	setDuration(&c.PingPeriod, DefaultPingPeriod)
	setDuration(&c.PongWait, DefaultPongWait)
	setDuration(&c.WriteWait, DefaultWriteWait)
	if c.MaxMessage <= 0 {
		c.MaxMessage = DefaultMaxMessage
	}
	setInt(&c.MaxBody, DefaultMaxBody)
	setInt(&c.MaxName, DefaultMaxName)
	setInt(&c.SendQueue, DefaultSendQueue)
	setInt(&c.MaxListed, DefaultMaxListed)
	if c.Page == nil {
		c.Page = web.FS
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

func setDuration(d *time.Duration, def time.Duration) {
	if *d <= 0 {
		*d = def
	}
}

func setInt(n *int, def int) {
	if *n <= 0 {
		*n = def
	}
}
