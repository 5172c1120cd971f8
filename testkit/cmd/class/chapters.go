package main

import (
	"fmt"
	"os"

	"example.com/wswalk/testkit/redistest"
)

// chapter is one server of the course: its folder (the binary's name too),
// the port it listens on in class, and what to open once it is up.
type chapter struct {
	Dir  string
	Port int
	Open string
}

// course lists the six servers with their own ports, so all run at once.
var course = []chapter{
	{"01-polling", 8001, "two windows; the network panel (F12) fills with polls, /stats counts them"},
	{"02-longpolling", 8002, "one request stays pending until there is news; /stream.html for Server-Sent Events"},
	{"03-raw-handshake", 8003, "the network panel, filter WS: the 101 and its headers, one message, a close"},
	{"04-framing", 8004, "the echo and chat pages on hand-rolled frames (go run ./04-framing -trace to print them)"},
	{"05-gorilla-chat", 8005, "the chat room in two windows; /compare for the four techniques side by side"},
	{"06-redis-history", 8006, ""}, // filled in by historyNote: it depends on Redis
}

// historyNote says where chapter 06 will keep its history, as the server
// itself decides it at start: in the Redis of REDIS_URL (or the default)
// when one answers, else in memory with one warning.
func historyNote() string {
	u := os.Getenv("REDIS_URL")
	if u == "" {
		u = redistest.DefaultURL
	}
	addr, err := redistest.Addr(u)
	if err == nil {
		err = redistest.Ping(addr)
	}
	if err != nil {
		return fmt.Sprintf("the chat with history IN MEMORY: no Redis answers at %s (start one, then make class again)", u)
	}
	return "the chat with history in Redis at " + u + "; restart it and the history stays"
}
