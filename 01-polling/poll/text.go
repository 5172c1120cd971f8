package poll

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The course's one rule for what people may type, written here, in the
// first chapter that has names, and used by every later one (04's and
// 05's rooms, so 06's too). A page shows names and bodies as text
// (textContent), so markup is harmless; what is not harmless is what a
// reader cannot see:
//
//   - Control characters (Unicode Cc: NUL, ESC and the terminal escape
//     sequences it starts, BEL, ...) mean nothing on a page and something
//     in a terminal or a log: none in a name, and in a body only the two
//     a message needs, newline and tab.
//   - Bidirectional controls (U+202A-U+202E embeddings and overrides,
//     U+2066-U+2069 isolates, U+200E/U+200F/U+061C marks) reorder what
//     follows them: "ann‮gnp.exe" shows as "annexe.png". None, anywhere.
//   - Other format characters (Unicode Cf), zero-width ones included
//     (U+200B space, U+200C non-joiner, U+200D joiner, U+2060, U+FEFF):
//     in a name they make two names look the same ("ann" and "a​nn"), so
//     none there; in a body they are how some scripts and emoji are
//     written (U+200D joins 👨‍👩‍👧, U+200C is needed in Persian), so they stay.
//   - Invalid UTF-8 is dropped wherever it is (a byte that is no character
//     cannot be shown, only replaced).
//
// Chapter 01's API refuses a message that breaks the rule (400, nothing
// stored: the client sent something wrong); the chat rooms clean a name
// given in ?username= rather than refuse the connection. The rule is the
// same: CleanName and CleanBody say what is kept.

// CleanName returns name as the rule keeps it: without control, bidi or
// other format characters or invalid UTF-8, trimmed, and cut to max
// characters (runes).
func CleanName(name string, max int) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > max {
		name = strings.TrimSpace(string([]rune(name)[:max]))
	}
	return name
}

// CleanBody returns body as the rule keeps it: without control characters
// other than newline and tab, bidi controls or invalid UTF-8, trimmed. It
// does not cut: a body over the limit is refused, so nothing is lost
// unseen.
func CleanBody(body string) string {
	body = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case unicode.IsControl(r) || isBidiControl(r) || r == utf8.RuneError:
			return -1
		}
		return r
	}, body)
	return strings.TrimSpace(body)
}

// isBidiControl reports the characters that change the direction of the
// text around them (Unicode's Bidi_Control property).
func isBidiControl(r rune) bool {
	return unicode.Is(unicode.Bidi_Control, r)
}
