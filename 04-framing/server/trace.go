package server

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"example.com/wswalk/04-framing/frame"
)

// TraceTo returns a Config.Trace that draws every frame on w with
// frame.Describe, marked with the peer and the direction:
//
//	127.0.0.1:51234 -> server
//	81 85  1000 0001  1 0000101  FIN=1 RSV=000 opcode=0x1 text MASK=1 len=5 key=37 fa 21 3d
//	       wire 7f 9f 4d 51 4a  data 48 65 6c 6c 6f  "Hello"
//
// Lines from different connections never interleave.
func TraceTo(w io.Writer) func(peer string, in bool, h frame.Header, payload []byte) {
	var mu sync.Mutex
	return func(peer string, in bool, h frame.Header, payload []byte) {
		dir := "server -> " + peer
		if in {
			dir = peer + " -> server"
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%s\n%s\n", dir, frame.Describe(h, payload))
		mu.Lock()
		io.WriteString(w, b.String())
		mu.Unlock()
	}
}
