package handshake

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// MaxHeaderBytes bounds the request line, the header fields and the blank
// line together. A client that sends more gets 431 and is disconnected, so an
// endless header cannot make the server buffer without end.
const MaxHeaderBytes = 8 << 10

// MaxHeaderFields bounds the number of header fields. Within 8 KiB a client
// could send some 2,700 tiny fields ("a:\n"), each costing the server more
// memory than its 3 bytes on the wire; a browser sends about a dozen.
const MaxHeaderFields = 128

// Request is an HTTP/1.1 request head, as read by ReadRequest.
type Request struct {
	Method string // "GET"; methods are case-sensitive (RFC 9110 §9.1)
	Target string // the request-target as sent: path and query, "/ws?room=a"
	Proto  string // "HTTP/1.1"
	Major  int    // 1
	Minor  int    // 1
	Header        // the header fields, in arrival order
}

// Path returns the target's path, without its query: "/ws" for "/ws?a=1".
// For the absolute-form a server must also accept (RFC 9112 §3.2.2),
// "http://example.com/ws?a=1", it is the path after the authority, "/ws",
// and "/" when there is none.
func (r *Request) Path() string {
	p, _, _ := strings.Cut(originForm(r.Target), "?")
	return p
}

// Query returns the target's query, without the "?", or "".
func (r *Request) Query() string {
	_, q, _ := strings.Cut(r.Target, "?")
	return q
}

// originForm turns an absolute-form target into the origin-form it names:
// "http://host:8003/ws?x" becomes "/ws?x". Other targets are returned as
// they are.
func originForm(target string) string {
	scheme, rest, ok := strings.Cut(target, "://")
	if !ok || scheme == "" || strings.ContainsAny(scheme, "/?") {
		return target
	}
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		rest = rest[i:]
	} else {
		rest = ""
	}
	if !strings.HasPrefix(rest, "/") {
		rest = "/" + rest
	}
	return rest
}

// AtLeast reports whether the request's HTTP version is major.minor or later.
func (r *Request) AtLeast(major, minor int) bool {
	return r.Major > major || (r.Major == major && r.Minor >= minor)
}

// ReadRequest reads one request head — the request line, the header fields
// and the blank line after them — from br (RFC 9112 §2-§5).
//
// It reads exactly up to the end of the blank line and not one byte further:
// a WebSocket client may send its first frame right behind the handshake, in
// the same TCP segment, and those bytes must stay in br for the frame reader.
// (Reading "one recv(1024)" and treating it as the request loses them, and
// breaks when the request arrives in two pieces.)
//
// ReadRequest does not set a deadline: the caller must, before calling it
// (see SetReadDeadline), or a client that never finishes its request holds
// the connection forever. The size is bounded here by MaxHeaderBytes.
//
// Errors are *Error values carrying the status to answer: 400 for malformed
// input or a request cut short, 408 when the deadline passed, 431 when the
// head is over MaxHeaderBytes or MaxHeaderFields, 505 for an HTTP major
// version other than 1.
func ReadRequest(br *bufio.Reader) (*Request, error) {
	budget := MaxHeaderBytes
	line, err := readLine(br, &budget)
	// RFC 9112 §2.2: a server SHOULD ignore empty lines before the request
	// line (some old clients send an extra CRLF after a POST body).
	for err == nil && line == "" {
		line, err = readLine(br, &budget)
	}
	if err != nil {
		return nil, err
	}
	req, perr := parseRequestLine(line)
	if perr != nil {
		return nil, perr
	}
	if req.Header, err = readFields(br, &budget); err != nil {
		return nil, err
	}
	return req, nil
}

// parseRequestLine splits "GET /ws HTTP/1.1" (RFC 9112 §3): method, one
// space, target, one space, version.
func parseRequestLine(line string) (*Request, *Error) {
	method, rest, ok1 := strings.Cut(line, " ")
	target, proto, ok2 := strings.Cut(rest, " ")
	if !ok1 || !ok2 || !isToken(method) || !validTarget(target) {
		return nil, badRequest("malformed request line")
	}
	major, minor, ok := parseVersion(proto)
	if !ok {
		return nil, badRequest("malformed HTTP version")
	}
	if major != 1 {
		return nil, &Error{Status: 505, Reason: "only HTTP/1.x is spoken here"}
	}
	return &Request{Method: method, Target: target, Proto: proto, Major: major, Minor: minor}, nil
}

// validTarget accepts the request-target forms a WebSocket or page request
// uses: origin-form ("/path?query"), and the absolute-form and asterisk-form
// for completeness. It must be visible ASCII with no spaces (RFC 9112 §3.2).
func validTarget(t string) bool {
	if t == "" {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] <= ' ' || t[i] >= 0x7f {
			return false
		}
	}
	return true
}

// parseVersion parses "HTTP/1.1" (RFC 9112 §2.3): exactly one digit on each
// side of the dot.
func parseVersion(v string) (major, minor int, ok bool) {
	if len(v) != len("HTTP/1.1") || !strings.HasPrefix(v, "HTTP/") || v[6] != '.' {
		return 0, 0, false
	}
	if !isDigit(v[5]) || !isDigit(v[7]) {
		return 0, 0, false
	}
	return int(v[5] - '0'), int(v[7] - '0'), true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// readFields reads header field lines up to and including the blank line
// (RFC 9112 §5).
//
// Each line is checked as it arrives, but the lines are kept back to back
// in one buffer and turned into strings once at the end: one allocation for
// all the names and values instead of one per line.
func readFields(br *bufio.Reader, budget *int) (Header, error) {
	buf := make([]byte, 0, 1024)
	type span struct{ name, value [2]int } // offsets into buf
	var spans []span
	for {
		start := len(buf)
		var err error
		if buf, err = appendLine(buf, br, budget); err != nil {
			return nil, err
		}
		line := buf[start:]
		if len(line) == 0 {
			break
		}
		// obs-fold: a line starting with whitespace used to continue the
		// previous field. RFC 9112 §5.2 lets a server reject it with 400,
		// which is safer than guessing how another reader would join it.
		if line[0] == ' ' || line[0] == '\t' {
			return nil, badRequest("obsolete line folding in header")
		}
		name, value, perr := splitField(line)
		if perr != nil {
			return nil, perr
		}
		if len(spans) == MaxHeaderFields {
			return nil, errTooManyFields
		}
		if spans == nil {
			spans = make([]span, 0, 16) // a browser's handshake has about a dozen fields
		}
		spans = append(spans, span{[2]int{start + name[0], start + name[1]}, [2]int{start + value[0], start + value[1]}})
	}
	if len(spans) == 0 {
		return nil, nil
	}
	all := string(buf)
	h := make(Header, len(spans))
	for i, sp := range spans {
		h[i] = Field{Name: all[sp.name[0]:sp.name[1]], Value: all[sp.value[0]:sp.value[1]]}
	}
	return h, nil
}

// splitField finds the name and the value in "Name: value" (RFC 9112
// §5.1) and returns their offsets in line. No whitespace is allowed between
// the name and the colon (a server MUST reject that with 400); whitespace
// around the value is optional and not part of it.
func splitField(line []byte) (name, value [2]int, err *Error) {
	colon := bytes.IndexByte(line, ':')
	if colon < 0 {
		return name, value, badRequest("header line without a colon")
	}
	if !isToken(line[:colon]) {
		return name, value, badRequest("malformed header field name")
	}
	v0, v1 := colon+1, len(line)
	for v0 < v1 && (line[v0] == ' ' || line[v0] == '\t') {
		v0++
	}
	for v1 > v0 && (line[v1-1] == ' ' || line[v1-1] == '\t') {
		v1--
	}
	if !validFieldValue(line[v0:v1]) {
		return name, value, badRequest("control character in header field " + shorten(line[:colon]))
	}
	return [2]int{0, colon}, [2]int{v0, v1}, nil
}

// shorten returns a client-chosen name for an error reason, cut to 32
// bytes: the reason is one short line, whatever the client sent.
func shorten(name []byte) string {
	if len(name) > 32 {
		return string(name[:32]) + "..."
	}
	return string(name)
}

// errTooLarge and errTooManyFields are the errors for a head over
// MaxHeaderBytes or MaxHeaderFields.
var (
	errTooLarge      = &Error{Status: 431, Reason: "request header over 8 KiB"}
	errTooManyFields = &Error{Status: 431, Reason: "more than 128 header fields"}
)

// readLine returns the next line without its line ending, taking its length
// out of budget. See appendLine.
func readLine(br *bufio.Reader, budget *int) (string, error) {
	var arr [256]byte // most request lines fit: no allocation but the string
	line, err := appendLine(arr[:0], br, budget)
	return string(line), err
}

// appendLine appends the next line, without its line ending, to dst, taking
// its length out of budget. Lines end in CRLF; a bare LF is accepted too, as
// RFC 9112 §2.2 allows, but a CR anywhere else is an error.
//
// The line is read with ReadSlice, so it never consumes more than the line
// itself from br, and never holds more than budget plus br's buffer.
func appendLine(dst []byte, br *bufio.Reader, budget *int) ([]byte, error) {
	start := len(dst)
	for {
		chunk, err := br.ReadSlice('\n')
		*budget -= len(chunk)
		if *budget < 0 {
			return dst, errTooLarge
		}
		dst = append(dst, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue // a line longer than br's buffer: read on
		}
		if err != nil {
			return dst, readError(err, *budget < MaxHeaderBytes)
		}
		dst = dst[:len(dst)-1] // drop LF
		if len(dst) > start && dst[len(dst)-1] == '\r' {
			dst = dst[:len(dst)-1] // drop the CR of CRLF
		}
		if bytes.IndexByte(dst[start:], '\r') >= 0 {
			return dst, badRequest("bare CR in request head")
		}
		return dst, nil
	}
}

// readError turns an I/O error while reading the head into an *Error:
// 408 after a timeout, 400 for a head cut short. started says whether any
// byte of the request had arrived.
func readError(err error, started bool) *Error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &Error{Status: 408, Reason: "request not received in time", Err: err}
	}
	if errors.Is(err, io.EOF) && started {
		err = io.ErrUnexpectedEOF
	}
	return &Error{Status: 400, Reason: "incomplete request", Err: err}
}

// SetReadDeadline bounds every read on conn to finish within d from now;
// d <= 0 removes the deadline. Call it before ReadRequest so that a client
// that sends its request slowly, or never finishes it, cannot hold the
// connection and its goroutine: the deadline is for the whole request, not
// for each read, so trickling one byte a second does not extend it.
func SetReadDeadline(conn net.Conn, d time.Duration) error {
	if d <= 0 {
		return conn.SetReadDeadline(time.Time{})
	}
	return conn.SetReadDeadline(time.Now().Add(d))
}

// String writes the request head back in wire form, with CRLF line endings
// and the blank line. Useful in tests and for logging.
func (r *Request) String() string {
	var b strings.Builder
	b.WriteString(r.Method + " " + r.Target + " " + r.Proto + "\r\n")
	writeFields(&b, r.Header)
	b.WriteString("\r\n")
	return b.String()
}

func writeFields(b *strings.Builder, h Header) {
	for _, f := range h {
		b.WriteString(f.Name + ": " + f.Value + "\r\n")
	}
}

// atoi is strconv.Atoi for short digit strings only.
func atoi(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}
