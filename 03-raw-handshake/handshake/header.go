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
// "upgrade". It is List and a comparison, without building the list.
func (h Header) HasToken(name, token string) bool {
	for _, f := range h {
		if !strings.EqualFold(f.Name, name) {
			continue
		}
		for e := range strings.SplitSeq(f.Value, ",") {
			if strings.EqualFold(strings.Trim(e, " \t"), token) {
				return true
			}
		}
	}
	return false
}

// has reports whether there is a field named name.
func (h Header) has(name string) bool {
	_, n := h.only(name)
	return n > 0
}

// only returns the value of the field named name when it occurs exactly
// once. Validate uses it for the fields that must not repeat (Host,
// Sec-WebSocket-Key, Sec-WebSocket-Version, Origin): two of them are two
// different answers to one question, and no rule says which one wins.
func (h Header) only(name string) (value string, n int) {
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			value, n = f.Value, n+1
		}
	}
	if n != 1 {
		return "", n
	}
	return value, 1
}

// isTokenChar reports whether c may appear in a token (RFC 9110 §5.6.2):
// visible ASCII except the delimiters "(),/:;<=>?@[\]{}.
func isTokenChar(c byte) bool {
	if c <= ' ' || c >= 0x7f {
		return false
	}
	return !strings.ContainsRune(`"(),/:;<=>?@[\]{}`, rune(c))
}

// isToken reports whether s is a non-empty token. It takes the bytes of a
// line being read as well as strings.
func isToken[T string | []byte](s T) bool {
	if len(s) == 0 {
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
func validFieldValue[T string | []byte](v T) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}
