package conformance

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// mixCases send long, seeded random streams of what §5.4 allows: text and
// binary messages cut into random fragments (text cut anywhere, inside
// characters too), pings and pongs between the fragments and between the
// messages, the whole stream written in random chops. A server answers
// each ping when it arrives and echoes each message when its last fragment
// arrives, so the expected answers follow from the stream alone.
func mixCases(Target) []testCase {
	var cs []testCase
	for i, seed := range []uint64{1, 2, 3} {
		cs = append(cs, testCase{fmt.Sprintf("x.5.%d", i+1), fmt.Sprintf("random_fragments_and_control_frames_seed_%d", seed), func(s *session) {
			s.timeout = largeTimeout
			fs, want := randomStream(rand.New(rand.NewPCG(seed, 6455)), 200)
			r := rand.New(rand.NewPCG(seed, 1))
			b := frames(fs...)
			var pieces [][]byte
			for len(b) > 0 {
				n := min(1+r.IntN(3000), len(b))
				pieces = append(pieces, b[:n])
				b = b[n:]
			}
			s.sendPieces(pieces...)
			s.expectStreams(want...)
		}})
	}
	return cs
}

// runes are the characters random text is made of: 1, 2, 3 and 4 bytes.
var runes = []rune("aZ09 ~µßκόσμε€한𝄞😀")

func randomStream(r *rand.Rand, messages int) ([]frame, []event) {
	var fs []frame
	var want []event
	control := func() {
		switch r.IntN(4) {
		case 0:
			p := strings.Repeat("p", r.IntN(126))
			fs = append(fs, ping(p))
			want = append(want, pongEv(p))
		case 1:
			fs = append(fs, pong(fmt.Sprint(r.Int())))
		}
	}
	for range messages {
		control()
		var msg []byte
		isText := r.IntN(2) == 0
		if isText {
			var sb strings.Builder
			for range r.IntN(600) {
				sb.WriteRune(runes[r.IntN(len(runes))])
			}
			msg = []byte(sb.String())
		} else {
			msg = binPayload(r.IntN(3000))
		}
		// Cut points anywhere, possibly empty fragments.
		cuts := []int{0}
		for range r.IntN(5) {
			cuts = append(cuts, r.IntN(len(msg)+1))
		}
		cuts = append(cuts, len(msg))
		slices.Sort(cuts)
		for k := 0; k+1 < len(cuts); k++ {
			part := msg[cuts[k]:cuts[k+1]]
			f := contBytes(part)
			if k == 0 {
				f = bin(part)
				if isText {
					f = textBytes(part)
				}
			}
			if k+2 < len(cuts) {
				f = f.more()
				fs = append(fs, f)
				control() // between fragments (§5.4)
				continue
			}
			fs = append(fs, f)
		}
		if isText {
			want = append(want, textEvBytes(msg))
		} else {
			want = append(want, binEv(msg))
		}
	}
	return fs, want
}
