// Package stream is the other half of Comet: HTTP streaming. Long polling
// answers once and the client asks again; streaming never answers in full.
// The response to GET /events stays open, and the server writes each new
// message into it as it comes, in the standard form of Server-Sent Events
// (the HTML Living Standard, "Server-sent events"; EventSource in the
// browser):
//
//	HTTP/1.1 200 OK
//	Content-Type: text/event-stream
//
//	retry: 2000              how long EventSource waits before reconnecting
//
//	id: 7                    the message's ID: the browser sends it back,
//	data: {"id":7,...}       as Last-Event-ID, when it reconnects
//
//	: still here             a comment: keeps idle proxies from closing it
//
// It reads chapter 01's message log through chapter 02's Board, so the
// wake-up is long polling's: one Append wakes every stream at once.
package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/02-longpolling/longpoll"
)

// Defaults of Options.
const (
	DefaultHeartbeat = 15 * time.Second
	DefaultWriteWait = 10 * time.Second
	DefaultRetry     = 2 * time.Second
)

// Options tune a Handler; zero fields take the defaults.
type Options struct {
	// Heartbeat is how long a quiet stream goes before a comment line is
	// written: many proxies close a response that sends nothing for a
	// minute or two.
	Heartbeat time.Duration
	// WriteWait bounds each write: a client that does not read for that
	// long is dropped, and its goroutine ends.
	WriteWait time.Duration
	// Retry is the reconnect delay told to EventSource, once.
	Retry time.Duration
}

// Handler serves GET /events. Streams counts the streams open now.
type Handler struct {
	board *longpoll.Board
	opts  Options
	open  atomic.Int64
}

// NewHandler streams the board's messages.
func NewHandler(b *longpoll.Board, o Options) *Handler {
	if o.Heartbeat <= 0 {
		o.Heartbeat = DefaultHeartbeat
	}
	if o.WriteWait <= 0 {
		o.WriteWait = DefaultWriteWait
	}
	if o.Retry <= 0 {
		o.Retry = DefaultRetry
	}
	return &Handler{board: b, opts: o}
}

// Streams is how many streams are open: each is one request held, one
// goroutine, for as long as its client stays.
func (h *Handler) Streams() int64 { return h.open.Load() }

// ServeHTTP streams every message after the resume point until the client
// goes away, stops reading, or the server shuts down (the request's
// context ends; site.Server cancels it through BaseContext).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET")
		poll.WriteError(w, http.StatusMethodNotAllowed, "use GET /events")
		return
	}
	after, err := ResumePoint(r)
	if err != nil {
		poll.WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	h.open.Add(1)
	defer h.open.Add(-1)

	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Accel-Buffering", "no") // a proxy must pass each event on at once
	// A stream has no end to measure, so HTTP/1.1 would send it in chunks,
	// each with a size line and a CRLF after it: 6 bytes an event. The
	// Server-Sent Events recommendation asks for the body as it is, the
	// connection's end marking the stream's; "identity" is how net/http is
	// told (it then sends neither Content-Length nor chunks, and closes
	// the connection when the handler returns).
	hd.Set("Transfer-Encoding", "identity")
	s := &sender{w: w, rc: http.NewResponseController(w), wait: h.opts.WriteWait}
	if s.send(fmt.Sprintf("retry: %d\n\n", h.opts.Retry.Milliseconds())) != nil || r.Method == http.MethodHead {
		return
	}
	for {
		ctx, cancel := context.WithTimeout(r.Context(), h.opts.Heartbeat)
		msgs := h.board.Wait(ctx, after)
		cancel()
		if r.Context().Err() != nil {
			return // the client left, or the server is stopping
		}
		if len(msgs) == 0 {
			if s.send(": still here\n\n") != nil {
				return
			}
			continue
		}
		for _, m := range msgs {
			data, _ := json.Marshal(m) // a struct of strings, a number and a time
			if s.send(fmt.Sprintf("id: %d\ndata: %s\n\n", m.ID, data)) != nil {
				return // not reading: dropped; it resumes with Last-Event-ID
			}
			after = m.ID
		}
	}
}

// sender writes one event and pushes it out at once: an event stuck in a
// buffer is no push at all.
type sender struct {
	w    http.ResponseWriter
	rc   *http.ResponseController
	wait time.Duration
}

func (s *sender) send(event string) error {
	s.rc.SetWriteDeadline(time.Now().Add(s.wait))
	if _, err := s.w.Write([]byte(event)); err != nil {
		return err
	}
	return s.rc.Flush()
}

// ResumePoint is the ID after which a stream starts: the Last-Event-ID
// header an EventSource sends when it reconnects, else ?since=, else 0
// (everything the log keeps). A message's data line never holds a
// newline (JSON escapes it), so one event is always one message.
func ResumePoint(r *http.Request) (int64, error) {
	s := r.Header.Get("Last-Event-ID")
	what := "Last-Event-ID"
	if s == "" {
		s, what = r.URL.Query().Get("since"), "since"
	}
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, errors.New(what + " must be a message id (0 or more), got " + strconv.Quote(s))
	}
	return n, nil
}
