package conformance

import "encoding/binary"

// maskingCases are the rules of §5.1 and §5.2 that Autobahn leaves out,
// and the message limit of §10.4.
//
//   - "The server MUST close the connection upon receiving a frame that is
//     not masked" (§5.1), with 1002 (§7.4.1).
//   - "The minimal number of bytes MUST be used to encode the length"
//     (§5.2). That binds the sender; the RFC does not say what a receiver
//     does with a length in a longer form than needed. Reading it as an
//     invalid frame (1002) and reading it as the length it says (echo) are
//     both allowed, and the suite accepts both, logging which.
//   - A 64-bit length must have its most significant bit 0 (§5.2); such a
//     frame cannot be valid: 1002, or 1009 since no limit allows it.
//   - A message over the server's limit: 1009, "a message that is too big
//     for it to process" (§7.4.1), whether one frame or fragments add up
//     to it; the check must come before the payload is buffered (§10.4).
func maskingCases(tg Target) []testCase {
	over := tg.MaxMessage + 1
	half := tg.MaxMessage/2 + 1
	return []testCase{
		{"x.1.1", "unmasked_text_fails_1002", func(s *session) {
			s.send(text("Hello, world!").noMask())
			s.expectClose(1002)
		}},
		{"x.1.2", "unmasked_ping_fails_1002", func(s *session) {
			s.send(ping("Hello, world!").noMask())
			s.expectClose(1002)
		}},
		{"x.1.3", "unmasked_close_fails_1002", func(s *session) {
			s.send(closeFrame(1000, "").noMask())
			s.sentClose = false // the server must not take it for a close
			s.expectClose(1002)
		}},
		{"x.1.4", "unmasked_continuation_fails_1002", func(s *session) {
			s.send(text("fragment1").more(), cont("fragment2").noMask())
			s.expectClose(1002)
		}},
		{"x.1.5", "unmasked_empty_text_fails_1002", func(s *session) {
			s.send(text("").noMask())
			s.expectClose(1002)
		}},
		{"x.2.1", "text_5_bytes_with_16_bit_length", func(s *session) {
			s.send(text("Hello").lengthForm(16))
			s.logf("server: %s", s.expectEchoOrClose(textEv("Hello"), 1002))
		}},
		{"x.2.2", "text_5_bytes_with_64_bit_length", func(s *session) {
			s.send(text("Hello").lengthForm(64))
			s.logf("server: %s", s.expectEchoOrClose(textEv("Hello"), 1002))
		}},
		{"x.2.3", "text_300_bytes_with_64_bit_length", func(s *session) {
			p := asciiPayload(300)
			s.send(textBytes(p).lengthForm(64))
			s.logf("server: %s", s.expectEchoOrClose(textEvBytes(p), 1002))
		}},
		{"x.2.4", "ping_with_16_bit_length", func(s *session) {
			s.send(ping("Hello").lengthForm(16))
			s.logf("server: %s", s.expectEchoOrClose(pongEv("Hello"), 1002))
		}},
		{"x.2.6", "ping_with_64_bit_length", func(s *session) {
			s.send(ping("Hello").lengthForm(64))
			s.logf("server: %s", s.expectEchoOrClose(pongEv("Hello"), 1002))
		}},
		{"x.2.5", "64_bit_length_with_top_bit_set", func(s *session) {
			w := text("Hello").lengthForm(64).wire()
			w[2] |= 0x80 // the top bit of the 64-bit length
			s.sendRaw(w)
			s.expectClose(1002, 1009)
		}},
		{"x.4.1", "server_closes_tcp_when_its_close_is_not_answered", func(s *session) {
			s.timeout = largeTimeout // the server may wait a while for the answer
			s.send(text("Hello").withRSV(1))
			s.expectCloseUnanswered(1002)
		}},
		{"x.4.2", "close_then_half_close_still_answered", func(s *session) {
			// The client sends its close and shuts its side (TCP FIN): the
			// server still owes it a close frame, then closes (§7.1.1).
			s.send(closeFrame(1000, ""))
			s.shutdownWrite()
			s.expectClose(1000)
		}},
		{"x.3.1", "text_over_the_limit_fails_1009", func(s *session) {
			s.timeout = largeTimeout
			s.sendPieces(longFrame(true, opText, over)...)
			s.expectClose(1009)
		}},
		{"x.3.3", "absurd_declared_length_fails_1009_at_once", func(s *session) {
			// 2^62 bytes announced, 5 sent: the server must refuse from the
			// header, without waiting for (or allocating) the payload.
			w := text("Hello").lengthForm(64).wire()
			binary.BigEndian.PutUint64(w[2:10], 1<<62)
			s.sendRaw(w)
			s.expectClose(1009)
		}},
		{"x.3.2", "fragments_adding_up_over_the_limit_fail_1009", func(s *session) {
			s.timeout = largeTimeout
			s.sendPieces(append(longFrame(false, opBinary, half), longFrame(true, opCont, half)...)...)
			s.expectClose(1009)
		}},
	}
}
