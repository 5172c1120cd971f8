package chat

import (
	"errors"
	"math"
	"time"

	"github.com/gorilla/websocket"
)

// # A writer only while there is something to write
//
// gorilla's writePump waits for its queue between messages: a goroutine,
// and its stack (4 KiB once it has written), for every idle connection. In
// a room of 10,000 where most people read and few speak, those are 40 MB
// of stacks waiting. So here writePump returns when its queue is empty,
// and the room starts one again when something comes: the member's wake,
// called by the room after every message, notice or eviction for it. An
// idle connection is then one goroutine (its reader) instead of two, which
// is what brings it under the course's memory target (the benchmarks
// BenchmarkCrowdIdle and BenchmarkIdleConnections measure it).
//
// One rule keeps it correct: at most one writer at a time, and none missed.
// running says whether a writer is on; wake sets it and starts one, idle
// clears it when there is nothing to do. Both look and set under one
// mutex, so a wake can never fall between a writer's last look at the
// queue and its going away: either the writer sees what was queued (the
// room queues before it calls wake), or wake finds running cleared and
// starts a new writer.
//
// Pings, which need no queue, go from a timer beside whichever writer
// runs: gorilla documents that "the Close and WriteControl methods can be
// called concurrently with all other methods" (package doc, Concurrency).

// wake makes sure a writer will see what was just queued.
func (c *client) wake() {
	c.writing.Lock()
	defer c.writing.Unlock()
	if !c.running {
		c.running = true
		go c.writePump()
	}
}

// idle lets go of the writing flag unless there is still something to
// write, and reports whether it did.
func (c *client) idle() bool {
	c.writing.Lock()
	defer c.writing.Unlock()
	if c.pending() {
		return false
	}
	c.running = false
	return true
}

// pending says whether a writer has anything to do.
func (c *client) pending() bool {
	select {
	case <-c.s.quit:
		return true
	case <-c.member.Gone():
		return true
	default:
		return len(c.member.Messages()) > 0 || len(c.member.Noticed()) > 0
	}
}

// end closes the connection for good. The writer that calls it keeps the
// writing flag, so none starts after it.
func (c *client) end() {
	c.ping.Stop()
	c.conn.Close() // ends readPump too, if it still runs
	c.s.conns.Done()
}

// startPinging pings every PingPeriod from the timer's goroutine. The
// pong (or any message) pushes readPump's deadline on; a ping that
// cannot be written within WriteWait means a peer that is not reading,
// and the connection is closed.
func (c *client) startPinging() {
	// Made stopped, then started, so ping runs only once c.ping is set.
	c.ping = time.AfterFunc(time.Duration(math.MaxInt64), c.pingOnce)
	c.ping.Reset(c.s.cfg.PingPeriod)
}

func (c *client) pingOnce() {
	err := c.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.s.cfg.WriteWait))
	switch {
	case err == nil:
		c.ping.Reset(c.s.cfg.PingPeriod)
	case !errors.Is(err, websocket.ErrCloseSent):
		c.conn.Close() // readPump ends, and with it the client
	}
}
