package server

import (
	"example.com/wswalk/03-raw-handshake/handshake"
	"example.com/wswalk/04-framing/ws"
)

// Echo sends every text and binary message back unchanged, as one frame,
// until the peer closes or breaks a rule. Pings, pongs and the closing
// handshake are handled inside ReadMessage, so control frames between the
// fragments of a message are answered at once (§5.4, §5.5).
func Echo(c *ws.Conn, _ *handshake.Request) {
	for {
		op, msg, err := c.ReadMessage()
		if err != nil {
			return
		}
		if err := c.WriteMessage(op, msg); err != nil {
			return
		}
	}
}
