package handshake

import "strings"

// Field is one header field line as received: its name as the peer spelled
// it and its value with the surrounding whitespace removed.
type Field struct {
	Name  string
	Value string
}

// Header is the list of header fields in the order they arrived. It keeps
// repeated fields apart rather than merging them, because for some fields
// (Host, Sec-WebSocket-Key) a repeat is itself an error, while for list
// fields (Connection, Sec-WebSocket-Protocol) repeats are equivalent to one
// comma-separated line (RFC 9110 §5.3).
//
// Field names are case-insensitive (RFC 9110 §5.1): every lookup folds case.
type Header []Field

// Get returns the value of the first field named name, or "".
func (h Header) Get(name string) string {
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// Values returns the values of every field named name, in order.
func (h Header) Values(name string) []string {
	var vs []string
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			vs = append(vs, f.Value)
		}
	}
	return vs
}

// List returns the elements of a comma-separated list field, across all the
// fields named name, with optional whitespace trimmed and empty elements
// dropped (RFC 9110 §5.6.1: "a, , b" is the list a, b).
func (h Header) List(name string) []string {
	var elems []string
	for _, v := range h.Values(name) {
		for e := range strings.SplitSeq(v, ",") {
			if e = strings.Trim(e, " \t"); e != "" {
				elems = append(elems, e)
			}
		}
	}
	return elems
}

// HasToken reports whether the list field name contains token, compared
// case-insensitively: "Connection: keep-alive, Upgrade" has the token
// "upgrade".
func (h Header) HasToken(name, token string) bool {
	for _, e := range h.List(name) {
		if strings.EqualFold(e, token) {
			return true
		}
	}
	return false
}

// isTokenChar reports whether c may appear in a token (RFC 9110 §5.6.2):
// visible ASCII except the delimiters "(),/:;<=>?@[\]{}.
func isTokenChar(c byte) bool {
	if c <= ' ' || c >= 0x7f {
		return false
	}
	return !strings.ContainsRune(`"(),/:;<=>?@[\]{}`, rune(c))
}

// isToken reports whether s is a non-empty token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return false
		}
	}
	return true
}

// validFieldValue reports whether v may be a field value (RFC 9110 §5.5):
// visible characters, spaces, tabs and obs-text (bytes 0x80-0xff), but no
// other control characters — above all no CR, LF or NUL, which could split
// or truncate the header in a later reader.
func validFieldValue(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}
