package handshake

import "fmt"

// Error is a failed handshake: the HTTP status to answer with, a short
// plain-text reason for the body, and any header fields the status calls for
// (Allow for 405, Sec-WebSocket-Version for 426).
//
// Every error returned by ReadRequest, Validate and Upgrade is an *Error;
// use errors.As to get at it. Err holds the underlying cause when there is
// one (io.EOF, a timeout), so errors.Is(err, io.EOF) tells a client that
// simply went away from one that sent garbage.
type Error struct {
	Status int     // HTTP status code: 400, 403, 405, 408, 426, 431, 505
	Reason string  // short plain text, sent as the response body
	Header []Field // extra response header fields
	Err    error   // underlying cause, or nil
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("handshake: %d %s: %s", e.Status, StatusText(e.Status), e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// badRequest is the common case: 400 with a reason.
func badRequest(reason string) *Error {
	return &Error{Status: 400, Reason: reason}
}

// statusText holds the reason phrases of the statuses this package sends
// (RFC 9110 §15). The phrase is for people; clients look at the code.
var statusText = map[int]string{
	101: "Switching Protocols",
	200: "OK",
	400: "Bad Request",
	403: "Forbidden",
	404: "Not Found",
	405: "Method Not Allowed",
	408: "Request Timeout",
	426: "Upgrade Required",
	431: "Request Header Fields Too Large",
	500: "Internal Server Error",
	505: "HTTP Version Not Supported",
}

// StatusText returns the reason phrase for code, or "Status" if unknown.
func StatusText(code int) string {
	if t, ok := statusText[code]; ok {
		return t
	}
	return "Status"
}
