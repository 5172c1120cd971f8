package conformance

import (
	"fmt"
	"strings"
)

// closeCases are Autobahn's section 7: the closing handshake (§5.5.1,
// §7). The server answers a close frame with a close frame, "typically
// echoing the status code it received" (the suite, like Autobahn, asks for
// the echo), sends nothing after it, and then closes the TCP connection
// (§7.1.1). A close payload is empty, or a
// 2-byte code of §7.4 plus a UTF-8 reason; anything else, and the codes no
// endpoint may send (§7.4.1, §7.4.2: 0-999 unused, 1004-1006 and 1015
// reserved, 1016-2999 for future RFCs, 5000 and up undefined), fail the
// connection with 1002.
func closeCases(tg Target) []testCase {
	cs := []testCase{
		{"7.1.1", "text_then_close", func(s *session) {
			s.send(text("Hello World!"))
			s.expect(textEv("Hello World!"))
			s.send(closeFrame(1000, ""))
			s.expectClose(1000)
		}},
		{"7.1.2", "close_twice", func(s *session) {
			s.send(closeFrame(1000, ""), closeFrame(1000, ""))
			s.expectClose(1000)
		}},
		{"7.1.3", "ping_after_close_not_answered", func(s *session) {
			s.send(closeFrame(1000, ""), ping("Hello World!"))
			s.expectClose(1000)
		}},
		{"7.1.4", "text_after_close_not_echoed", func(s *session) {
			s.send(closeFrame(1000, ""), text("Hello World!"))
			s.expectClose(1000)
		}},
		{"7.1.5", "close_between_fragments", func(s *session) {
			s.send(text("fragment1").more(), closeFrame(1000, ""), cont("fragment2"))
			s.expectClose(1000)
		}},
		{"7.1.6", "large_text_close_ping", func(s *session) {
			p := asciiPayload(min(256<<10, tg.MaxMessage)) // within the limit, or 1009 is right
			s.send(textBytes(p), closeFrame(1000, ""), ping("Hello World!"))
			s.expect(textEvBytes(p))
			s.expectClose(1000)
		}},
		{"7.3.1", "close_empty_payload", func(s *session) {
			s.send(closePayload(nil))
			s.expectClose(0, 1000)
		}},
		{"7.3.2", "close_1_byte_payload_fails_1002", func(s *session) {
			s.send(closePayload([]byte{0x03}))
			s.expectClose(1002)
		}},
		{"7.3.3", "close_code_only", func(s *session) {
			s.send(closeFrame(1000, ""))
			s.expectClose(1000)
		}},
		{"7.3.4", "close_code_and_reason", func(s *session) {
			s.send(closeFrame(1000, "Hello World!"))
			s.expectClose(1000)
		}},
		{"7.3.5", "close_123_byte_reason", func(s *session) {
			s.send(closeFrame(1000, stars(123)))
			s.expectClose(1000)
		}},
		{"7.3.6", "close_124_byte_reason_fails_1002", func(s *session) {
			s.send(closeFrame(1000, stars(124))) // 126 bytes of payload: over §5.5's 125
			s.expectClose(1002)
		}},
		{"7.5.1", "close_reason_not_utf8", func(s *session) {
			s.send(closeFrame(1000, "κόσμε\xed\xa0\x80edited"))
			s.expectClose(1002, 1007)
		}},
		{"7.x1", "close_reason_truncated_utf8", func(s *session) {
			s.send(closeFrame(1000, "euro \xe2\x82"))
			s.expectClose(1002, 1007)
		}},
		{"7.x3", "text_and_close_in_one_write", func(s *session) {
			s.send(text("last words"), closeFrame(1001, "going"))
			s.expect(textEv("last words"))
			s.expectClose(1001)
		}},
		{"7.x4", "close_in_chops_of_1", func(s *session) {
			s.sendChopped(1, closeFrame(3000, "chopped reason"))
			s.expectClose(3000)
		}},
		{"7.x2", "close_1_byte_payload_chopped", func(s *session) {
			s.sendChopped(1, closePayload([]byte{0x03}))
			s.expectClose(1002)
		}},
	}
	for i, code := range []int{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999} {
		cs = append(cs, testCase{fmt.Sprintf("7.7.%d", i+1), fmt.Sprintf("close_%d_echoed", code), func(s *session) {
			s.send(closeFrame(code, "Hello World!"))
			s.expectClose(code)
		}})
	}
	for i, code := range []int{0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999} {
		cs = append(cs, testCase{fmt.Sprintf("7.9.%d", i+1), fmt.Sprintf("close_%d_fails_1002", code), func(s *session) {
			s.send(closeFrame(code, ""))
			s.expectClose(1002)
		}})
	}
	for i, code := range []int{1015, 5000, 65535} {
		cs = append(cs, testCase{fmt.Sprintf("7.13.%d", i+1), fmt.Sprintf("close_%d_fails_1002", code), func(s *session) {
			s.send(closeFrame(code, strings.Repeat("x", 3)))
			s.expectClose(1002)
		}})
	}
	return cs
}
