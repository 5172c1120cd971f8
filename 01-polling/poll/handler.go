package poll

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
)

// MaxRequest bounds the bytes read from a POST. It is larger than MaxBody
// because JSON escaping can make a 4 KiB body take up to six times the
// room ("<" may travel as "\u003c"); anything beyond is refused unread.
const MaxRequest = 64 << 10

// Fetch answers GET /messages once since has been parsed. The short-polling
// handler answers at once with store.Since(since); chapter 02 passes one
// that holds the request until there is news. An error is the client's
// fault and becomes a 400 with the error's text.
type Fetch func(r *http.Request, since int64) ([]Message, error)

// Option changes how NewHandler's handler behaves.
type Option func(*handler)

// WithFetch replaces how GET /messages finds its answer.
func WithFetch(f Fetch) Option {
	return func(h *handler) { h.fetch = f }
}

type handler struct {
	store Store
	fetch Fetch
}

// NewHandler serves the message log's HTTP API, the contract every later chapter keeps:
//
//	POST /messages        {"username":"ann","body":"hi"}  -> 201 the stored message
//	GET  /messages?since=ID                               -> 200 [messages with id > ID]
//
// Bad input is a 400 with {"error": "..."} and stores nothing; another
// method is a 405 with an Allow header; any other path is a 404. Mount it
// at the root of a mux, or under a prefix with http.StripPrefix.
func NewHandler(store Store, opts ...Option) http.Handler {
	h := &handler{store: store}
	h.fetch = func(_ *http.Request, since int64) ([]Message, error) {
		return store.Since(since), nil
	}
	for _, o := range opts {
		o(h)
	}
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/messages" {
		WriteError(w, http.StatusNotFound, fmt.Sprintf("no such path: %s", r.URL.Path))
		return
	}
	switch r.Method {
	case http.MethodGet:
		h.list(w, r)
	case http.MethodPost:
		h.post(w, r)
	default:
		// RFC 9110, section 15.5.6: a 405 must say which methods work.
		w.Header().Set("Allow", "GET, POST")
		WriteError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s not allowed; use GET or POST", r.Method))
	}
}

func (h *handler) list(w http.ResponseWriter, r *http.Request) {
	since, err := ParseSince(r)
	if err != nil {
		WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	msgs, err := h.fetch(r, since)
	if err != nil {
		WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	// A poll answer is stale the moment it is sent: no cache may keep it.
	w.Header().Set("Cache-Control", "no-store")
	WriteJSON(w, http.StatusOK, msgs)
}

// postRequest is the JSON a client posts.
type postRequest struct {
	Username string  `json:"username"`
	Body     *string `json:"body"` // a pointer, to tell "missing" from ""
}

func (h *handler) post(w http.ResponseWriter, r *http.Request) {
	req, err := decodePost(w, r)
	if errors.Is(err, errTooSlow) {
		// RFC 9110 §15.5.9: 408, and close the connection: the rest of
		// the body may still be on its way, so the next bytes on it are
		// not the start of a request.
		w.Header().Set("Connection", "close")
		WriteError(w, http.StatusRequestTimeout, err.Error())
		return
	}
	if err != nil {
		WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	m, err := h.store.Append(req.Username, *req.Body)
	switch {
	case errors.Is(err, ErrInvalid):
		WriteError(w, http.StatusBadRequest, err.Error())
	case err != nil:
		WriteError(w, http.StatusInternalServerError, err.Error())
	default:
		WriteJSON(w, http.StatusCreated, m)
	}
}

// errTooSlow is a body that did not arrive in time: the server's read
// deadline passed while reading it (see site.BodyDeadline).
var errTooSlow = errors.New("request body not received in time")

// decodePost reads exactly one JSON object with a body field from the
// request, bounded by MaxRequest.
func decodePost(w http.ResponseWriter, r *http.Request) (postRequest, error) {
	var req postRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxRequest))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded):
			return req, errTooSlow
		case errors.As(err, &tooBig):
			return req, fmt.Errorf("request body is over %d bytes", MaxRequest)
		case errors.Is(err, io.EOF):
			return req, errors.New(`request body is empty; send {"username":"...","body":"..."}`)
		default:
			return req, fmt.Errorf("malformed JSON: %v", err)
		}
	}
	if dec.More() {
		return req, errors.New("malformed JSON: more than one value")
	}
	switch _, err := dec.Token(); {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return req, errTooSlow // a whole object, but the body goes on past the deadline
	case !errors.Is(err, io.EOF):
		return req, errors.New("malformed JSON: data after the object")
	}
	if req.Body == nil {
		return req, fmt.Errorf("%w: body is missing", ErrInvalid)
	}
	return req, nil
}

// ParseSince reads ?since=ID: absent means 0 (everything), anything but a
// non-negative integer is an error.
func ParseSince(r *http.Request) (int64, error) {
	s := r.URL.Query().Get("since")
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 0 {
		return 0, fmt.Errorf("since must be a non-negative integer, got %q", s)
	}
	return id, nil
}

// WriteJSON answers with v as JSON and the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// WriteError answers with {"error": msg} and the given status.
func WriteError(w http.ResponseWriter, status int, msg string) {
	WriteJSON(w, status, map[string]string{"error": msg})
}
