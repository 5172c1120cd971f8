package frame

import (
	"strconv"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// texts mix valid text (every length of character, the edges of each
// range, U+FFFD itself) with every kind of invalid sequence.
var chunkTexts = []string{
	"", "a", "Hello-µ@ßöäüàá-UTF-8!!", "κόσμε", "\u0080", "\u07ff", "\u0800",
	"\ud7ff", "\ue000", "\ufffd", "\uffff", "\U00010000", "\U0010ffff", "a€𝄞ü😀z",
	"\x80", "\xbf", "\xc0 ", "\xe0 ", "\xf0 ", "\xc0\xaf", "\xe0\x80\xaf",
	"\xf0\x80\x80\xaf", "\xc1\xbf", "\xe0\x9f\xbf", "\xf0\x8f\xbf\xbf", "\xed\xa0\x80",
	"\xed\xbf\xbf", "\xf4\x90\x80\x80", "\xf7\xbf\xbf\xbf", "\xf8\x88\x80\x80\x80",
	"\xfe", "\xff", "\xe2\x82", "\xf0\x9f\x98", "κόσμ\xce", "κόσμε\xed\xa0\x80edited",
	"€\x82", "a\xe2\x82\xac\xac",
}

// check runs the checker over chunks and says whether it took the text.
func checkChunks(chunks ...string) bool {
	var v UTF8
	for _, c := range chunks {
		if !v.Write([]byte(c)) {
			return false
		}
	}
	return v.Complete()
}

// TestUTF8CheckerAgreesWithValid cuts each text into two chunks at every
// byte, three chunks at every pair of bytes and single bytes: the verdict
// must be utf8.Valid's wherever the chunks cut.
func TestUTF8CheckerAgreesWithValid(t *testing.T) {
	for _, s := range chunkTexts {
		want := utf8.ValidString(s)
		var got []string
		note := func(ok bool, how string) {
			if ok != want {
				got = append(got, how)
			}
		}
		note(checkChunks(s), "whole")
		for i := 0; i <= len(s); i++ {
			note(checkChunks(s[:i], s[i:]), "cut at "+strconv.Itoa(i))
			for j := i; j <= len(s); j++ {
				note(checkChunks(s[:i], s[i:j], s[j:]), "cut at "+strconv.Itoa(i)+" and "+strconv.Itoa(j))
			}
		}
		var bytes []string
		for i := range len(s) {
			bytes = append(bytes, s[i:i+1])
		}
		note(checkChunks(bytes...), "byte by byte")
		if diff := cmp.Diff([]string(nil), got); diff != "" {
			t.Errorf("%q (utf8.Valid: %v): the checker disagrees when (-want +got):\n%s", s, want, diff)
		}
	}
}

// TestUTF8CheckerFailsFast feeds prefixes that no UTF-8 text starts with,
// a byte at a time, and no more: the checker must refuse at the byte
// that makes the prefix impossible, without waiting for the rest.
func TestUTF8CheckerFailsFast(t *testing.T) {
	tests := []struct {
		prefix string
		at     int // the byte (0-based) at which it must refuse
	}{
		{"\x80", 0},
		{"\xc0", 0},
		{"\xf8", 0},
		{"\xfe", 0},
		{"\xe0\x80", 1},         // overlong
		{"\xed\xa0", 1},         // surrogate
		{"\xf0\x8f", 1},         // overlong
		{"\xf4\x90", 1},         // past U+10FFFF
		{"κόσμε\xf4\x90", 11},   // after valid text
		{"\xe2\x82\x41", 2},     // a character interrupted
		{"\xf0\x9f\x98\xc3", 3}, // interrupted at its last byte
	}
	for _, tt := range tests {
		var v UTF8
		refused := -1
		for i := range len(tt.prefix) {
			if !v.Write([]byte{tt.prefix[i]}) {
				refused = i
				break
			}
		}
		if refused != tt.at {
			t.Errorf("%q byte by byte: refused at byte %d, want %d", tt.prefix, refused, tt.at)
		}
	}
}
