package echo

import "unicode/utf8"

// utf8Checker checks a text message as UTF-8 (RFC 3629, the UTF-8 that
// RFC 6455 cites) one chunk at a time. Chunks come as reads return them,
// and a read may end anywhere: inside a frame, and inside a character,
// since "a particular text frame might include a partial UTF-8 sequence;
// however, the whole message MUST contain valid UTF-8" (§5.6), and TCP
// cuts frames wherever it likes. So an incomplete character at the end
// of a chunk is kept until the next one completes it; but only if it can
// still become a character: a prefix no character has ("\xf4\x90", past
// U+10FFFF; "\xed\xa0", a surrogate; "\xe0\x80", overlong) fails at once,
// which is what makes the check fail fast (§8.1, Autobahn 6.4).
type utf8Checker struct {
	tail [utf8.UTFMax]byte // the start of a character cut by the chunk's end
	n    int
}

// write checks the next chunk and says whether the text so far can still
// be UTF-8.
func (v *utf8Checker) write(p []byte) bool {
	// First finish the character the previous chunk cut.
	for v.n > 0 && len(p) > 0 {
		v.tail[v.n] = p[0]
		v.n++
		p = p[1:]
		if !utf8.FullRune(v.tail[:v.n]) {
			continue // still a valid prefix: FullRune is true for invalid ones
		}
		if r, size := utf8.DecodeRune(v.tail[:v.n]); r == utf8.RuneError && size == 1 {
			return false
		}
		v.n = 0
	}
	if len(p) == 0 {
		return true
	}
	// Then the chunk, but for a character its end cuts: that starts at
	// one of the last UTFMax-1 bytes, and is kept if it is a valid prefix.
	end := len(p)
	for i := len(p) - 1; i >= 0 && i > len(p)-utf8.UTFMax; i-- {
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
	v.n = copy(v.tail[:], p[end:])
	return true
}

// complete says whether the text ends on a character boundary: a
// character cut by the end of the message is invalid.
func (v *utf8Checker) complete() bool { return v.n == 0 }
