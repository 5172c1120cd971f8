package handshake

import (
	"io"
	"strconv"
	"strings"
	"time"
)

// WriteAccepted writes the 101 response that completes the handshake (RFC
// 6455 §4.2.2 step 5). After it, the connection speaks WebSocket frames.
//
//	HTTP/1.1 101 Switching Protocols
//	Upgrade: websocket
//	Connection: Upgrade
//	Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
//	Sec-WebSocket-Protocol: chat        (only when one was chosen)
//
// The whole head goes out in one Write, so it reaches the client in one
// piece and before any frame written after it.
func WriteAccepted(w io.Writer, a Accepted) error {
	b := make([]byte, 0, 160+len(a.Subprotocol))
	b = append(b, "HTTP/1.1 101 Switching Protocols\r\n"...)
	b = append(b, "Upgrade: websocket\r\n"...)
	b = append(b, "Connection: Upgrade\r\n"...)
	b = append(b, "Sec-WebSocket-Accept: "+a.Accept+"\r\n"...)
	if a.Subprotocol != "" {
		b = append(b, "Sec-WebSocket-Protocol: "+a.Subprotocol+"\r\n"...)
	}
	b = append(b, "\r\n"...)
	_, err := w.Write(b)
	return err
}

// WriteError writes the HTTP error response for err: its status, the extra
// header fields the status calls for, and the reason as a text/plain body.
// It says Connection: close, and the caller closes the connection after it:
// a failed handshake leaves nothing to keep the connection for.
//
// err is normally an *Error; any other error is answered with 500 and not
// shown to the client.
func WriteError(w io.Writer, err error) error {
	e, ok := err.(*Error)
	if !ok {
		e = asError(err)
	}
	body := e.Reason + "\n"
	head := []Field{
		{"Content-Type", "text/plain; charset=utf-8"},
		{"X-Content-Type-Options", "nosniff"},
	}
	head = append(head, e.Header...)
	return writeResponse(w, e.Status, head, []byte(body))
}

// asError unwraps err to an *Error, or makes a 500 of it.
func asError(err error) *Error {
	for e := err; e != nil; {
		if he, ok := e.(*Error); ok {
			return he
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			break
		}
		e = u.Unwrap()
	}
	return &Error{Status: 500, Reason: "internal error"}
}

// WriteOK writes a 200 response with the given content type and body, then
// Connection: close. It lets a raw server answer a plain page request on the
// same port as its WebSocket endpoint.
func WriteOK(w io.Writer, contentType string, body []byte) error {
	return writeResponse(w, 200, []Field{
		{"Content-Type", contentType},
		{"Cache-Control", "no-cache"},
		{"X-Content-Type-Options", "nosniff"},
	}, body)
}

// writeResponse writes a complete response with a Date, Content-Length and
// Connection: close, head and body in one Write.
func writeResponse(w io.Writer, status int, header []Field, body []byte) error {
	var b strings.Builder
	b.WriteString("HTTP/1.1 " + strconv.Itoa(status) + " " + StatusText(status) + "\r\n")
	// RFC 9110 §6.6.1: an origin server with a clock sends Date.
	b.WriteString("Date: " + time.Now().UTC().Format(dateFormat) + "\r\n")
	writeFields(&b, header)
	b.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n")
	b.WriteString("Connection: close\r\n\r\n")
	b.Write(body)
	_, err := io.WriteString(w, b.String())
	return err
}

// dateFormat is the IMF-fixdate of RFC 9110 §5.6.7.
const dateFormat = "Mon, 02 Jan 2006 15:04:05 GMT"
