package conformance

import "fmt"

// volumeCases are Autobahn's section 9, as correctness checks: large
// messages, large messages in many fragments or many small writes, and
// many small messages sent back to back, all echoed exactly. Speed is
// measured by the benchmarks, not asserted here. Sizes stop at the
// server's limit.
func volumeCases(tg Target) []testCase {
	var cs []testCase
	sizes := []int{64 << 10, 1 << 20}
	for g, kind := range []string{"text", "binary"} {
		mk, ev, payload := textBytes, textEvBytes, asciiPayload
		mkCont := contBytes
		if kind == "binary" {
			mk, ev, payload = bin, binEv, binPayload
		}
		for i, n := range sizes {
			if n > tg.MaxMessage {
				continue
			}
			p := payload(n)
			cs = append(cs, testCase{fmt.Sprintf("9.%d.%d", g+1, i+1), kind + "_" + sizeName(n), func(s *session) {
				s.timeout = largeTimeout
				s.send(mk(p))
				s.expect(ev(p))
			}})
		}
		// One message of 1 MiB in fragments from 64 bytes to the whole.
		msg := payload(min(1<<20, tg.MaxMessage))
		for i, frag := range []int{64, 1 << 10, 64 << 10} {
			cs = append(cs, testCase{fmt.Sprintf("9.%d.%d", g+3, i+1), kind + "_" + sizeName(len(msg)) + "_in_fragments_of_" + sizeName(frag), func(s *session) {
				s.timeout = largeTimeout
				var fs []frame
				for at := 0; at < len(msg); at += frag {
					f := mkCont(msg[at:min(at+frag, len(msg))])
					if at == 0 {
						f = mk(f.payload)
					}
					if at+frag < len(msg) {
						f = f.more()
					}
					fs = append(fs, f)
				}
				s.send(fs...)
				s.expect(ev(msg))
			}})
		}
		// One message written in chops: the server sees partial headers
		// and payloads in every read.
		for i, chop := range []int{1 << 10, 64 << 10} {
			cs = append(cs, testCase{fmt.Sprintf("9.%d.%d", g+5, i+1), kind + "_" + sizeName(len(msg)) + "_in_chops_of_" + sizeName(chop), func(s *session) {
				s.timeout = largeTimeout
				s.sendChopped(chop, mk(msg))
				s.expect(ev(msg))
			}})
		}
		// Many small messages back to back, then answered in order.
		for i, n := range []int{0, 16, 1024} {
			p := payload(n)
			cs = append(cs, testCase{fmt.Sprintf("9.%d.%d", g+7, i+1), fmt.Sprintf("1000_%s_messages_of_%d", kind, n), func(s *session) {
				s.timeout = largeTimeout
				fs := make([]frame, 1000)
				for j := range fs {
					fs[j] = mk(p)
				}
				s.send(fs...)
				s.expect(repeatEv(ev(p), 1000)...)
			}})
		}
	}
	cs = append(cs, testCase{"9.x1", "2000_pings_and_messages_interleaved", func(s *session) {
		s.timeout = largeTimeout
		var fs []frame
		var want []event
		for j := range 1000 {
			p := fmt.Sprintf("m%d", j)
			fs = append(fs, text(p), ping(p))
			want = append(want, textEv(p), pongEv(p))
		}
		s.send(fs...)
		s.expectStreams(want...)
	}})
	return cs
}
