package frame

import (
	"errors"
	"fmt"
)

// ProtocolError is a peer's violation of RFC 6455 that ends the connection:
// the endpoint sends a close frame with Code and closes the TCP connection
// ("_Fail the WebSocket Connection_", §7.1.7).
type ProtocolError struct {
	Code   CloseCode // 1002, 1007 or 1009
	Reason string    // short, for the close frame and the log
}

func (e *ProtocolError) Error() string {
	return fmt.Sprintf("websocket: %s (%d %s)", e.Reason, uint16(e.Code), e.Code)
}

// protocolErr is a 1002: the frames break the rules of §5.
func protocolErr(reason string) error {
	return &ProtocolError{Code: CloseProtocolError, Reason: reason}
}

// ErrControlTooLong is returned when writing a control frame whose payload is
// longer than 125 bytes, which §5.5 forbids.
var ErrControlTooLong = errors.New("websocket: control frame payload over 125 bytes")

// ErrLength is returned when a header's Length does not match its payload.
var ErrLength = errors.New("websocket: header length does not match the payload")
