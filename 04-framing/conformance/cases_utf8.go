package conformance

import (
	"fmt"
	"strings"
)

// validUTF8 are texts a server must echo: every length of sequence, the
// edges of each range, and noncharacters, which are valid UTF-8 (Autobahn
// 6.5-6.11, 6.22, 6.23).
var validUTF8 = []struct{ name, s string }{
	{"hello_mu", "Hello-µ@ßöäüàá-UTF-8!!"},
	{"kosme", "κόσμε"},
	{"nul", "\x00"},
	{"last_1_byte", "\u007f"},
	{"first_2_byte", "\u0080"},
	{"last_2_byte", "\u07ff"},
	{"first_3_byte", "\u0800"},
	{"before_surrogates", "\ud7ff"},
	{"after_surrogates", "\ue000"},
	{"replacement_char", "\ufffd"},
	{"noncharacter_fffe", "\ufffe"},
	{"noncharacter_ffff", "\uffff"},
	{"first_4_byte", "\U00010000"},
	{"last_4_byte", "\U0010ffff"},
	{"emoji", "\U0001F600"},
	{"mixed", "a€𝄞ü\U0001F600z"},
}

// invalidUTF8 are byte strings that are not UTF-8 (RFC 3629), each of
// which a server must fail with 1007 when it arrives as text (§8.1:
// "MUST _Fail the WebSocket Connection_"; §7.4.1: 1007) (Autobahn 6.3,
// 6.8, 6.12-6.21).
var invalidUTF8 = []struct{ name, s string }{
	{"lone_continuation", "\x80"},
	{"last_continuation", "\xbf"},
	{"continuations", "\x80\xbf\x80\xbf"},
	{"lonely_2_byte_start", "\xc0 "},
	{"lonely_3_byte_start", "\xe0 "},
	{"lonely_4_byte_start", "\xf0 "},
	{"overlong_slash_2", "\xc0\xaf"},
	{"overlong_slash_3", "\xe0\x80\xaf"},
	{"overlong_slash_4", "\xf0\x80\x80\xaf"},
	{"overlong_max_2", "\xc1\xbf"},
	{"overlong_max_3", "\xe0\x9f\xbf"},
	{"overlong_max_4", "\xf0\x8f\xbf\xbf"},
	{"overlong_nul", "\xc0\x80"},
	{"surrogate_high", "\xed\xa0\x80"},
	{"surrogate_low", "\xed\xbf\xbf"},
	{"surrogate_pair", "\xed\xa0\x80\xed\xb0\x80"},
	{"above_10ffff", "\xf4\x90\x80\x80"},
	{"f7_bf_bf_bf", "\xf7\xbf\xbf\xbf"},
	{"5_byte_sequence", "\xf8\x88\x80\x80\x80"},
	{"6_byte_sequence", "\xfc\x84\x80\x80\x80\x80"},
	{"byte_fe", "\xfe"},
	{"byte_ff", "\xff"},
	{"fe_fe_ff_ff", "\xfe\xfe\xff\xff"},
	{"truncated_3_byte_at_end", "\xe2\x82"},
	{"truncated_4_byte_at_end", "\xf0\x9f\x98"},
	{"kosme_truncated", "κόσμ\xce"},
	{"surrogate_inside_text", "κόσμε\xed\xa0\x80edited"},
}

// failFastByByte are invalid sequences of each kind, each detectable
// before its last byte or at it, for the fail-fast cases of one fragment
// per byte.
var failFastByByte = []struct{ name, s string }{
	{"lone_continuation", "\x80"},
	{"overlong_slash_3", "\xe0\x80\xaf"},
	{"surrogate_high", "\xed\xa0\x80"},
	{"above_10ffff", "\xf4\x90\x80\x80"},
	{"5_byte_sequence", "\xf8\x88\x80\x80\x80"},
	{"byte_fe", "\xfe"},
}

// failFastByteID is the id of the i-th case of failFastByByte.
func failFastByteID(i int) string { return fmt.Sprintf("6.4.x5.%d", i+1) }

// byteFrames is s as a text message of one frame per byte.
func byteFrames(s string) []frame {
	var fs []frame
	for i := range len(s) {
		f := cont(s[i : i+1])
		if i == 0 {
			f = text(s[:1])
		}
		if i < len(s)-1 {
			f = f.more()
		}
		fs = append(fs, f)
	}
	return fs
}

// utf8Cases are Autobahn's section 6: text must be UTF-8 (§5.6), checked
// across fragments, which may split a character anywhere (§5.4: "the
// fragments ... are not required to align with character boundaries"),
// and a message that cannot become valid fails with 1007 as soon as the
// server can tell, without waiting for the message to end (§8.1, Autobahn
// 6.4: "fail fast").
func utf8Cases(Target) []testCase {
	hello := validUTF8[0].s
	kosme := "κόσμε"
	cs := []testCase{
		{"6.1.1", "empty_text", func(s *session) {
			s.send(text(""))
			s.expect(textEv(""))
		}},
		{"6.1.2", "empty_text_in_3_empty_fragments", func(s *session) {
			s.send(text("").more(), cont("").more(), cont(""))
			s.expect(textEv(""))
		}},
		{"6.1.3", "text_between_empty_fragments", func(s *session) {
			s.send(text("").more(), cont("middle").more(), cont(""))
			s.expect(textEv("middle"))
		}},
		{"6.2.1", "valid_utf8_one_frame", func(s *session) {
			s.send(text(hello))
			s.expect(textEv(hello))
		}},
		{"6.2.3", "valid_utf8_one_frame_per_byte", func(s *session) {
			s.send(byteFrames(hello)...)
			s.expect(textEv(hello))
		}},
		{"6.2.4", "kosme_one_frame_per_byte", func(s *session) {
			s.send(byteFrames(kosme)...)
			s.expect(textEv(kosme))
		}},
		{"6.x.control.1", "ping_with_non_utf8_payload_inside_a_split_character", func(s *session) {
			// A character split across fragments with a ping between
			// them whose payload is not UTF-8: control payloads are not
			// text (§5.5.2), and the check of the message must carry on
			// across the ping where it stopped.
			s.send(text("κ\xcf").more(), ping("\xff\xfe\x80"), cont("\x8cσμε"))
			s.expect(pongEv("\xff\xfe\x80"), textEv("κόσμε"))
		}},
		{"6.x.control.2", "close_reason_checked_alone_inside_a_split_character", func(s *session) {
			// The close reason is UTF-8 by itself, whatever the open
			// message holds (§5.5.1).
			s.send(text("κ\xcf").more(), closeFrame(1000, "\x8c"))
			s.expectClose(1002, 1007)
		}},
	}
	for i, v := range validUTF8 {
		cs = append(cs, testCase{fmt.Sprintf("6.x.valid.%d", i+1), v.name, func(s *session) {
			s.send(text(v.s))
			s.send(byteFrames(v.s)...)
			s.expect(textEv(v.s), textEv(v.s))
		}})
		if len(v.s) < 2 {
			continue
		}
		// Two fragments, split after each byte in turn: every split of a
		// multi-byte character must be put back together.
		cs = append(cs, testCase{fmt.Sprintf("6.2.2.%d", i+1), v.name + "_split_at_every_byte", func(s *session) {
			var want []event
			for k := 1; k < len(v.s); k++ {
				s.send(text(v.s[:k]).more(), cont(v.s[k:]))
				want = append(want, textEv(v.s))
			}
			s.expect(want...)
		}})
	}
	for i, v := range invalidUTF8 {
		cs = append(cs, testCase{fmt.Sprintf("6.x.invalid.%d", i+1), v.name, func(s *session) {
			s.send(text(v.s))
			s.expectClose(1007)
		}}, testCase{fmt.Sprintf("6.x.invalid.%d.bytes", i+1), v.name + "_one_frame_per_byte", func(s *session) {
			s.send(byteFrames(v.s)...)
			s.expectClose(1007)
		}}, testCase{fmt.Sprintf("6.x.invalid.%d.after", i+1), v.name + "_after_a_valid_message", func(s *session) {
			// The check starts afresh with each message: the valid one
			// before is echoed, then the invalid one fails.
			s.send(text(kosme), text(v.s))
			s.expect(textEv(kosme))
			s.expectClose(1007)
		}})
	}
	// Fail fast: the suite sends the fragments that make the message
	// invalid and no more; the server must fail it now, not wait for a
	// final fragment that never comes.
	failFast := []struct {
		id, name string
		frames   []frame
	}{
		{"6.4.1", "invalid_second_fragment", []frame{text(kosme).more(), cont("\xf4\x90\x80\x80").more()}},
		{"6.4.2", "invalid_across_fragments", []frame{text(kosme + "\xf4").more(), cont("\x90").more()}},
		{"6.4.x1", "surrogate_in_first_fragment", []frame{text("\xed\xa0\x80edited").more()}},
		{"6.4.x2", "lone_continuation_in_first_fragment", []frame{text("\x80abc").more()}},
		{"6.4.x3", "overlong_in_first_fragment", []frame{text("ab\xc0\xafcd").more()}},
		{"6.4.x4", "invalid_after_valid_fragments", []frame{text("Hello").more(), cont(", ").more(), cont("\xff world").more()}},
	}
	// The same one byte per fragment, after a valid first fragment, for
	// one sequence of each kind: the server must fail at the first byte
	// that no UTF-8 text can continue with, wherever the fragments cut.
	for i, v := range failFastByByte {
		fs := []frame{text(kosme).more()}
		for j := range len(v.s) {
			fs = append(fs, cont(v.s[j:j+1]).more())
		}
		failFast = append(failFast, struct {
			id, name string
			frames   []frame
		}{failFastByteID(i), v.name + "_one_fragment_per_byte", fs})
	}
	for _, c := range failFast {
		cs = append(cs, testCase{c.id, c.name + "_fails_before_the_message_ends", func(s *session) {
			s.send(c.frames...)
			s.expectClose(1007)
		}})
	}
	// Within one frame: the header promises more payload than the suite
	// sends at first, and what it sends is already invalid. Failing at
	// once is best (Autobahn 6.4.3, 6.4.4 call it strict); failing when
	// the frame is complete is allowed. Either way the code is 1007.
	cs = append(cs, testCase{"6.4.3", "invalid_inside_an_unfinished_frame", func(s *session) {
		payload := kosme + "\xed\xa0\x80" + "edited" + strings.Repeat("-", 100)
		w := text(payload).wire()
		head := len(w) - len(payload)
		cut := head + len(kosme) + 3
		s.sendRaw(w[:cut])
		if s.readable(s.timeout / 3) {
			s.logf("failed inside the frame (strict)")
		} else {
			s.logf("did not fail inside the frame: sending the rest (non-strict)")
			s.sendRaw(w[cut:])
		}
		s.expectClose(1007)
	}})
	return cs
}
