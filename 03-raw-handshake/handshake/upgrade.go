package handshake

import (
	"bufio"
	"errors"
	"io"
	"net"
	"time"
)

// UpgradeRequest validates a request that has already been read and writes
// the answer: 101 Switching Protocols when it is a valid handshake, or the
// HTTP error (whose *Error it also returns). After an error the caller
// closes the connection.
func UpgradeRequest(w io.Writer, r *Request, cfg Config) (Accepted, error) {
	acc, err := Validate(r, cfg)
	if err != nil {
		WriteError(w, err) // best effort: the handshake has failed either way
		return Accepted{}, err
	}
	if err := WriteAccepted(w, acc); err != nil {
		return Accepted{}, err
	}
	return acc, nil
}

// Upgrade runs the whole server side of the handshake on conn: it sets a
// deadline of cfg.Timeout (DefaultTimeout if zero), reads the request from
// br, validates it and writes 101 or the error. On success the deadline is
// cleared and conn, with br, is ready for frames — br may already hold the
// first one. On failure the error response has been written (when there was
// anything to answer) and the caller closes conn.
//
// br must be a bufio.Reader on conn, and the caller must keep reading from
// br, not conn, afterwards.
func Upgrade(conn net.Conn, br *bufio.Reader, cfg Config) (*Request, Accepted, error) {
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	SetReadDeadline(conn, timeout)
	defer conn.SetDeadline(time.Time{})
	req, err := ReadRequest(br)
	// The answer gets a deadline of its own, so a client that does not read
	// cannot block the Write either.
	conn.SetWriteDeadline(time.Now().Add(timeout))
	if err != nil {
		if !errors.Is(err, io.EOF) { // nobody left to answer when the client left before a byte
			WriteError(conn, err)
		}
		return nil, Accepted{}, err
	}
	acc, err := UpgradeRequest(conn, req, cfg)
	if err != nil {
		return req, Accepted{}, err
	}
	return req, acc, nil
}
