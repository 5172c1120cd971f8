package conformance

import "fmt"

// framingCases are Autobahn's section 1: text and binary messages of the
// sizes around each length form of §5.2 (7-bit up to 125, 16-bit up to
// 65535, 64-bit beyond), echoed whole.
func framingCases(tg Target) []testCase {
	sizes := []int{0, 125, 126, 127, 128, 65535, 65536}
	var cs []testCase
	for g, kind := range []string{"text", "binary"} {
		mk, ev := textBytes, textEvBytes
		payload := asciiPayload
		if kind == "binary" {
			mk, ev, payload = bin, binEv, binPayload
		}
		for i, n := range sizes {
			p := payload(n)
			cs = append(cs, testCase{fmt.Sprintf("1.%d.%d", g+1, i+1), fmt.Sprintf("%s_%d", kind, n), func(s *session) {
				s.send(mk(p))
				s.expect(ev(p))
			}})
		}
		p := payload(65536)
		cs = append(cs, testCase{fmt.Sprintf("1.%d.8", g+1), kind + "_65536_in_chops_of_997", func(s *session) {
			s.sendChopped(997, mk(p))
			s.expect(ev(p))
		}})
		big := min(16<<20, tg.MaxMessage)
		pb := payload(big)
		cs = append(cs, testCase{fmt.Sprintf("1.%d.x1", g+1), kind + "_" + sizeName(big), func(s *session) {
			s.timeout = largeTimeout
			s.send(mk(pb))
			s.expect(ev(pb))
		}})
	}
	cs = append(cs, testCase{"4.x1", "opcode_3_inside_fragmented_message", func(s *session) {
		s.send(text("frag").more(), opFrame(3, "ment"))
		s.expectClose(1002)
	}}, testCase{"4.x2", "opcode_11_inside_fragmented_message", func(s *session) {
		s.send(text("frag").more(), opFrame(11, ""))
		s.expectClose(1002)
	}})
	return cs
}

// pingPongCases are Autobahn's section 2: a ping is answered by a pong with
// the same payload (§5.5.2, §5.5.3), a control frame carries at most 125
// bytes (§5.5), an unsolicited pong is ignored (§5.5.3).
func pingPongCases(Target) []testCase {
	binaryPayload := "\x00\xff\xfe\xfd\xfc\xfb\x00\xff"
	var tenPings []frame
	var tenPongs []event
	for i := range 10 {
		p := fmt.Sprintf("payload-%d", i)
		tenPings = append(tenPings, ping(p))
		tenPongs = append(tenPongs, pongEv(p))
	}
	return []testCase{
		{"2.1", "ping_empty", func(s *session) {
			s.send(ping(""))
			s.expect(pongEv(""))
		}},
		{"2.2", "ping_text_payload", func(s *session) {
			s.send(ping("Hello, world!"))
			s.expect(pongEv("Hello, world!"))
		}},
		{"2.3", "ping_binary_payload", func(s *session) {
			s.send(ping(binaryPayload))
			s.expect(pongEv(binaryPayload))
		}},
		{"2.4", "ping_125_bytes", func(s *session) {
			s.send(ping(stars(125)))
			s.expect(pongEv(stars(125)))
		}},
		{"2.5", "ping_126_bytes_fails_1002", func(s *session) {
			s.send(ping(stars(126)))
			s.expectClose(1002)
		}},
		{"2.6", "ping_125_bytes_in_chops_of_1", func(s *session) {
			s.sendChopped(1, ping(stars(125)))
			s.expect(pongEv(stars(125)))
		}},
		{"2.7", "unsolicited_pong_empty_ignored", func(s *session) {
			// finish closes: a stray answer would arrive before the close.
			s.send(pong(""))
		}},
		{"2.8", "unsolicited_pong_payload_ignored", func(s *session) {
			s.send(pong("unsolicited pong payload"))
		}},
		{"2.9", "unsolicited_pong_then_ping", func(s *session) {
			s.send(pong("unsolicited pong payload"), ping("ping payload"))
			s.expect(pongEv("ping payload"))
		}},
		{"2.10", "ten_pings", func(s *session) {
			s.send(tenPings...)
			s.expect(tenPongs...)
		}},
		{"2.11", "ten_pings_frame_by_frame", func(s *session) {
			s.sendEach(tenPings...)
			s.expect(tenPongs...)
		}},
		{"2.x1", "ten_pings_in_chops_of_1", func(s *session) {
			s.sendChopped(1, tenPings...)
			s.expect(tenPongs...)
		}},
		{"2.x3", "pong_126_bytes_fails_1002", func(s *session) {
			s.send(pong(stars(126)))
			s.expectClose(1002)
		}},
		{"2.x4", "ping_with_text_sent_together", func(s *session) {
			s.send(text("first"), ping("between"), text("second"))
			s.expectStreams(textEv("first"), pongEv("between"), textEv("second"))
		}},
		{"2.x2", "pong_then_text_echo_only", func(s *session) {
			s.send(pong("x"), text("after the pong"))
			s.expect(textEv("after the pong"))
		}},
	}
}

// reservedBitsCases are Autobahn's section 3: an RSV bit set without a
// negotiated extension fails the connection (§5.2: "MUST be 0 unless an
// extension is negotiated ... the receiving endpoint MUST _Fail the
// WebSocket Connection_"), with 1002 (§7.4.1). A message before the bad
// frame is still echoed; a ping after it is not answered.
func reservedBitsCases(Target) []testCase {
	return []testCase{
		{"3.1", "text_rsv1", func(s *session) {
			s.send(text("Hello, world!").withRSV(1))
			s.expectClose(1002)
		}},
		{"3.2", "text_then_rsv2_then_ping", func(s *session) {
			s.send(text("Hello, world!"), text("Hello, world!").withRSV(2), ping(""))
			s.expect(textEv("Hello, world!"))
			s.expectClose(1002)
		}},
		{"3.3", "text_then_rsv3_then_ping_frame_by_frame", func(s *session) {
			s.sendEach(text("Hello, world!"), text("Hello, world!").withRSV(3), ping(""))
			s.expect(textEv("Hello, world!"))
			s.expectClose(1002)
		}},
		{"3.4", "text_then_rsv4_then_ping_in_chops_of_1", func(s *session) {
			s.sendChopped(1, text("Hello, world!"), text("Hello, world!").withRSV(4), ping(""))
			s.expect(textEv("Hello, world!"))
			s.expectClose(1002)
		}},
		{"3.5", "binary_rsv5", func(s *session) {
			s.send(bin(binPayload(8)).withRSV(5))
			s.expectClose(1002)
		}},
		{"3.6", "ping_rsv6", func(s *session) {
			s.send(ping("Hello, world!").withRSV(6))
			s.expectClose(1002)
		}},
		{"3.7", "close_rsv7", func(s *session) {
			s.send(closeFrame(1000, "").withRSV(7))
			s.expectClose(1002)
		}},
		{"3.x2", "ping_rsv1_inside_fragmented_message", func(s *session) {
			s.send(text("frag").more(), ping("x").withRSV(4))
			s.expectClose(1002)
		}},
		{"3.x1", "continuation_rsv1", func(s *session) {
			s.send(text("frag").more(), cont("ment").withRSV(1))
			s.expectClose(1002)
		}},
	}
}

// opcodeCases are Autobahn's section 4: opcodes 3-7 (data) and 11-15
// (control) are reserved; "if an unknown opcode is received, the receiving
// endpoint MUST _Fail the WebSocket Connection_" (§5.2), with 1002.
func opcodeCases(Target) []testCase {
	var cs []testCase
	for i, op := range []byte{3, 4, 5, 6, 7, 11, 12, 13, 14, 15} {
		sec, n := 1, i+1
		if op >= 11 {
			sec, n = 2, i-4
		}
		id := fmt.Sprintf("4.%d.%d", sec, n)
		name := fmt.Sprintf("opcode_%d", op)
		switch n {
		case 1, 2: // the bad frame alone, empty then with a payload
			payload := ""
			if n == 2 {
				payload = "reserved opcode payload"
			}
			cs = append(cs, testCase{id, name, func(s *session) {
				s.send(opFrame(op, payload))
				s.expectClose(1002)
			}})
		case 3: // after a good message, followed by a ping that must go unanswered
			cs = append(cs, testCase{id, name + "_between_text_and_ping", func(s *session) {
				s.send(text("Hello, world!"), opFrame(op, ""), ping(""))
				s.expect(textEv("Hello, world!"))
				s.expectClose(1002)
			}})
		case 4:
			cs = append(cs, testCase{id, name + "_between_text_and_ping_frame_by_frame", func(s *session) {
				s.sendEach(text("Hello, world!"), opFrame(op, "reserved opcode payload"), ping(""))
				s.expect(textEv("Hello, world!"))
				s.expectClose(1002)
			}})
		default:
			cs = append(cs, testCase{id, name + "_between_text_and_ping_in_chops_of_1", func(s *session) {
				s.sendChopped(1, text("Hello, world!"), opFrame(op, "reserved opcode payload"), ping(""))
				s.expect(textEv("Hello, world!"))
				s.expectClose(1002)
			}})
		}
	}
	cs = append(cs, testCase{"4.x1", "opcode_3_inside_fragmented_message", func(s *session) {
		s.send(text("frag").more(), opFrame(3, "ment"))
		s.expectClose(1002)
	}}, testCase{"4.x2", "opcode_11_inside_fragmented_message", func(s *session) {
		s.send(text("frag").more(), opFrame(11, ""))
		s.expectClose(1002)
	}})
	return cs
}
