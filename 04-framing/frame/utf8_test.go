package frame

import (
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// Fed in any split, UTF8 agrees with utf8.Valid on the whole, and fails as
// soon as the bytes so far cannot start valid UTF-8.
func TestUTF8Incremental(t *testing.T) {
	inputs := []string{
		"", "Hello", "κόσμε", "Hello-µ@ßöäüàá-UTF-8!!", "\xf0\x9f\x98\x80 emoji",
		"\xed\xa0\x80",         // a surrogate: invalid
		"\xf4\x90\x80\x80",     // above U+10FFFF: invalid
		"\xc0\xaf",             // overlong "/": invalid
		"\xce\xba\xe1\xbd",     // ends inside a code point: invalid as a whole
		"\x80",                 // lone continuation byte
		"abc\xffdef",           // never valid
		"\xef\xbf\xbd",         // U+FFFD itself: valid
		"\xf0\x90\x80\x80\x80", // a stray continuation after a full code point
	}
	for _, s := range inputs {
		want := utf8.ValidString(s)
		for cut1 := 0; cut1 <= len(s); cut1++ {
			for cut2 := cut1; cut2 <= len(s); cut2++ {
				var u UTF8
				ok := u.Write([]byte(s[:cut1])) && u.Write([]byte(s[cut1:cut2])) && u.Write([]byte(s[cut2:]))
				got := ok && u.Complete()
				if got != want {
					t.Errorf("%q split at %d,%d: valid %v, want %v", s, cut1, cut2, got, want)
				}
			}
		}
	}
}

// Failing fast: the byte that makes the message impossible is rejected at
// once, even though the message has not ended.
func TestUTF8FailsFast(t *testing.T) {
	type step struct {
		Piece string
		OK    bool
	}
	tests := map[string][]step{
		"a surrogate is refused at its second byte": {{"Hello \xed", true}, {"\xa0", false}},
		"beyond U+10FFFF at its second byte":        {{"\xf4", true}, {"\x90", false}},
		"a truncated code point waits":              {{"\xce", true}, {"\xba", true}},
		"an invalid byte in the middle":             {{"valid", true}, {"in\xffvalid", false}},
	}
	for name, steps := range tests {
		var u UTF8
		var got []step
		for _, s := range steps {
			got = append(got, step{s.Piece, u.Write([]byte(s.Piece))})
		}
		if diff := cmp.Diff(steps, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
}
