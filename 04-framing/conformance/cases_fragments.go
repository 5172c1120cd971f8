package conformance

// fragmentationCases are Autobahn's section 5 (§5.4): a message may come in
// fragments, "the first with a non-zero opcode and FIN clear, then
// continuation frames, the last with FIN set"; control frames may come
// between fragments and are answered at once; control frames themselves
// "MUST NOT be fragmented" (§5.5); a continuation with nothing to continue
// or a new data frame inside a fragmented message fails the connection
// with 1002.
func fragmentationCases(Target) []testCase {
	twoFragments := []frame{text("fragment1").more(), cont("fragment2")}
	withPing := []frame{text("fragment1").more(), ping("pongme!"), cont("fragment2")}
	stray := []frame{cont("non-continuation payload"), text("Hello, world!")}
	strayOpen := []frame{cont("non-continuation payload").more(), text("Hello, world!")}
	var oneByte []frame
	msg := "Hello, fragmented world!"
	for i := range len(msg) {
		f := cont(msg[i : i+1])
		if i == 0 {
			f = text(msg[:1])
		}
		if i < len(msg)-1 {
			f = f.more()
		}
		oneByte = append(oneByte, f)
	}
	allBytes := binPayload(256)
	var oneByteBin []frame
	for i := range allBytes {
		f := contBytes(allBytes[i : i+1])
		if i == 0 {
			f = bin(allBytes[:1])
		}
		if i < len(allBytes)-1 {
			f = f.more()
		}
		oneByteBin = append(oneByteBin, f)
	}
	return []testCase{
		{"5.1", "ping_fragmented_fails_1002", func(s *session) {
			s.send(ping("fragment1").more(), cont("fragment2"))
			s.expectClose(1002)
		}},
		{"5.2", "pong_fragmented_fails_1002", func(s *session) {
			s.send(pong("fragment1").more(), cont("fragment2"))
			s.expectClose(1002)
		}},
		{"5.3", "text_in_2_fragments", func(s *session) {
			s.send(twoFragments...)
			s.expect(textEv("fragment1fragment2"))
		}},
		{"5.4", "text_in_2_fragments_frame_by_frame", func(s *session) {
			s.sendEach(twoFragments...)
			s.expect(textEv("fragment1fragment2"))
		}},
		{"5.5", "text_in_2_fragments_in_chops_of_1", func(s *session) {
			s.sendChopped(1, twoFragments...)
			s.expect(textEv("fragment1fragment2"))
		}},
		{"5.6", "text_in_2_fragments_ping_between", func(s *session) {
			s.send(withPing...)
			s.expectStreams(pongEv("pongme!"), textEv("fragment1fragment2"))
		}},
		{"5.7", "text_in_2_fragments_ping_between_frame_by_frame", func(s *session) {
			s.sendEach(withPing...)
			s.expectStreams(pongEv("pongme!"), textEv("fragment1fragment2"))
		}},
		{"5.8", "text_in_2_fragments_ping_between_in_chops_of_1", func(s *session) {
			s.sendChopped(1, withPing...)
			s.expectStreams(pongEv("pongme!"), textEv("fragment1fragment2"))
		}},
		{"5.9", "continuation_fin_with_nothing_to_continue", func(s *session) {
			s.send(stray...)
			s.expectClose(1002)
		}},
		{"5.10", "continuation_fin_with_nothing_to_continue_frame_by_frame", func(s *session) {
			s.sendEach(stray...)
			s.expectClose(1002)
		}},
		{"5.11", "continuation_fin_with_nothing_to_continue_in_chops_of_1", func(s *session) {
			s.sendChopped(1, stray...)
			s.expectClose(1002)
		}},
		{"5.12", "continuation_nofin_with_nothing_to_continue", func(s *session) {
			s.send(strayOpen...)
			s.expectClose(1002)
		}},
		{"5.13", "continuation_nofin_with_nothing_to_continue_frame_by_frame", func(s *session) {
			s.sendEach(strayOpen...)
			s.expectClose(1002)
		}},
		{"5.14", "continuation_nofin_with_nothing_to_continue_in_chops_of_1", func(s *session) {
			s.sendChopped(1, strayOpen...)
			s.expectClose(1002)
		}},
		{"5.15", "message_then_continuation_after_its_end", func(s *session) {
			s.send(text("fragment1").more(), cont("fragment2"), cont("fragment3").more(), text("fragment4"))
			s.expect(textEv("fragment1fragment2"))
			s.expectClose(1002)
		}},
		{"5.16", "continuation_then_message_twice", func(s *session) {
			s.send(cont("fragment1").more(), text("fragment2").more(), cont("fragment3"))
			s.expectClose(1002)
		}},
		{"5.17", "final_continuation_then_message", func(s *session) {
			s.send(cont("fragment1"), text("fragment2").more(), cont("fragment3"))
			s.expectClose(1002)
		}},
		{"5.18", "text_inside_fragmented_text", func(s *session) {
			s.send(text("fragment1").more(), text("fragment2"))
			s.expectClose(1002)
		}},
		{"5.19", "text_in_5_fragments_pings_answered_before_the_end", func(s *session) {
			// Each ping must be answered while the message is still open:
			// the suite waits for the pong before it sends the rest.
			s.send(text("fragment1").more(), cont("fragment2").more(), ping("pongme 1!"))
			s.expect(pongEv("pongme 1!"))
			s.send(cont("fragment3").more(), cont("fragment4").more(), ping("pongme 2!"))
			s.expect(pongEv("pongme 2!"))
			s.send(cont("fragment5"))
			s.expect(textEv("fragment1fragment2fragment3fragment4fragment5"))
		}},
		{"5.x1", "binary_in_3_fragments", func(s *session) {
			p := binPayload(300)
			s.send(bin(p[:100]).more(), contBytes(p[100:200]).more(), contBytes(p[200:]))
			s.expect(binEv(p))
		}},
		{"5.x2", "text_in_fragments_of_1_byte", func(s *session) {
			s.send(oneByte...)
			s.expect(textEv(msg))
		}},
		{"5.x3", "binary_in_256_fragments_of_1_byte", func(s *session) {
			s.send(oneByteBin...)
			s.expect(binEv(allBytes))
		}},
		{"5.x4", "binary_inside_fragmented_text", func(s *session) {
			s.send(text("fragment1").more(), bin([]byte("fragment2")))
			s.expectClose(1002)
		}},
		{"5.x5", "pong_between_fragments_ignored", func(s *session) {
			s.send(text("fragment1").more(), pong("unsolicited"), cont("fragment2"))
			s.expect(textEv("fragment1fragment2"))
		}},
		{"5.x6", "two_fragmented_messages_in_a_row", func(s *session) {
			s.send(twoFragments...)
			s.send(bin([]byte{1, 2}).more(), contBytes([]byte{3}).more(), contBytes([]byte{4}))
			s.expect(textEv("fragment1fragment2"), binEv([]byte{1, 2, 3, 4}))
		}},
	}
}
