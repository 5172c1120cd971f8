package frame

import "unicode/utf8"

// UTF8 checks a text message for valid UTF-8 as its bytes arrive (§5.6,
// §8.1), so that an endpoint can fail the connection as soon as the
// message cannot be valid any more, without waiting for (and buffering)
// the rest of it.
//
// A code point cut in two by a fragment boundary, or by the way TCP
// delivers a frame, is fine: its first bytes are kept until the rest
// arrives. Only at the end of the message must nothing be left over.
// The zero value is ready to use.
type UTF8 struct {
	pend [utf8.UTFMax]byte // the start of a code point not yet complete
	n    int               // how many bytes of pend are used
}

// Reset prepares u for a new message.
func (u *UTF8) Reset() { u.n = 0 }

// Write feeds the next bytes of the message. It returns false as soon as
// the bytes so far cannot be the start of valid UTF-8.
func (u *UTF8) Write(p []byte) bool {
	// First finish a code point left open by the previous piece.
	for u.n > 0 && len(p) > 0 {
		u.pend[u.n] = p[0]
		u.n++
		p = p[1:]
		if !utf8.FullRune(u.pend[:u.n]) {
			continue // still a valid beginning; wait for more
		}
		r, size := utf8.DecodeRune(u.pend[:u.n])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		u.n = 0
	}
	if len(p) == 0 {
		return true
	}
	// Split off an unfinished code point at the end: look back at most
	// three bytes for where the last one starts. utf8.FullRune reports
	// false only for a valid but unfinished beginning, so an impossible
	// beginning (a surrogate, beyond U+10FFFF) is checked, and rejected,
	// now rather than later.
	end := len(p)
	for i := len(p) - 1; i >= 0 && i >= len(p)-(utf8.UTFMax-1); i-- {
		if utf8.RuneStart(p[i]) {
			if !utf8.FullRune(p[i:]) {
				end = i
			}
			break
		}
	}
	if !utf8.Valid(p[:end]) {
		return false
	}
	u.n = copy(u.pend[:], p[end:])
	return true
}

// Complete reports whether the bytes fed so far end on a code point
// boundary, as a whole message must.
func (u *UTF8) Complete() bool { return u.n == 0 }
