package frame

import (
	"encoding/binary"
	"unicode/utf8"
)

// CloseCode is the status code a close frame carries (RFC 6455 §7.4).
type CloseCode uint16

// The codes of §7.4.1 and the IANA "WebSocket Close Code Number Registry".
const (
	CloseNormal             CloseCode = 1000 // done, goodbye
	CloseGoingAway          CloseCode = 1001 // server shutting down, page left
	CloseProtocolError      CloseCode = 1002 // the frames broke RFC 6455
	CloseUnsupportedData    CloseCode = 1003 // a kind of data this endpoint cannot take
	CloseNoStatus           CloseCode = 1005 // never sent: "the close frame had no code"
	CloseAbnormal           CloseCode = 1006 // never sent: "the connection dropped without a close frame"
	CloseInvalidPayload     CloseCode = 1007 // e.g. text that is not UTF-8
	ClosePolicyViolation    CloseCode = 1008 // against this endpoint's policy
	CloseMessageTooBig      CloseCode = 1009 // over the size this endpoint accepts
	CloseMandatoryExtension CloseCode = 1010 // client needed an extension the server did not offer
	CloseInternalError      CloseCode = 1011 // the server hit an unexpected condition
	CloseServiceRestart     CloseCode = 1012 // IANA: server restarting
	CloseTryAgainLater      CloseCode = 1013 // IANA: temporary overload
	CloseBadGateway         CloseCode = 1014 // IANA: a gateway got a bad answer upstream
	CloseTLSHandshake       CloseCode = 1015 // never sent: TLS handshake failed
)

var closeNames = map[CloseCode]string{
	CloseNormal: "normal closure", CloseGoingAway: "going away",
	CloseProtocolError: "protocol error", CloseUnsupportedData: "unsupported data",
	CloseNoStatus: "no status received", CloseAbnormal: "abnormal closure",
	CloseInvalidPayload: "invalid payload data", ClosePolicyViolation: "policy violation",
	CloseMessageTooBig: "message too big", CloseMandatoryExtension: "mandatory extension",
	CloseInternalError: "internal error", CloseServiceRestart: "service restart",
	CloseTryAgainLater: "try again later", CloseBadGateway: "bad gateway",
	CloseTLSHandshake: "TLS handshake",
}

func (c CloseCode) String() string {
	if s, ok := closeNames[c]; ok {
		return s
	}
	switch {
	case c >= 3000 && c <= 3999:
		return "registered by a library or framework"
	case c >= 4000 && c <= 4999:
		return "private use"
	}
	return "invalid"
}

// Valid reports whether c may appear in a close frame on the wire.
//
//	0-999       not used (§7.4.2)                        invalid
//	1000-1003   defined by RFC 6455                       valid
//	1004        reserved                                  invalid
//	1005, 1006  mean "no code", "no close frame": the
//	            endpoint reports them, never sends them   invalid
//	1007-1011   defined by RFC 6455 (1011 by errata)      valid
//	1012-1014   registered since with IANA                valid
//	1015        like 1005/1006, for a failed TLS handshake invalid
//	1016-2999   reserved for this and future protocol specs invalid
//	3000-3999   registered by libraries and frameworks    valid
//	4000-4999   private use between applications          valid
func (c CloseCode) Valid() bool {
	switch {
	case c >= 1000 && c <= 1003:
		return true
	case c >= 1007 && c <= 1014:
		return true
	case c >= 3000 && c <= 4999:
		return true
	}
	return false
}

// ParseClose splits a close frame's payload (§5.5.1) into its code and
// reason. An empty payload means no code was sent: it returns
// CloseNoStatus. A 1-byte payload, a code that may not be sent, or a
// reason that is not UTF-8 is a 1002 *ProtocolError.
func ParseClose(payload []byte) (CloseCode, string, error) {
	switch len(payload) {
	case 0:
		return CloseNoStatus, "", nil
	case 1:
		return 0, "", protocolErr("close payload of one byte: a code takes two")
	}
	code := CloseCode(binary.BigEndian.Uint16(payload))
	if !code.Valid() {
		return 0, "", protocolErr("close code that may not be sent")
	}
	reason := payload[2:]
	if !utf8.Valid(reason) {
		return 0, "", protocolErr("close reason is not UTF-8")
	}
	return code, string(reason), nil
}

// AppendClose appends a close payload to dst: the code in network byte
// order, then the reason, cut so that the whole fits in a control frame's
// 125 bytes without splitting a UTF-8 sequence. CloseNoStatus gives the
// empty payload ("no code").
func AppendClose(dst []byte, code CloseCode, reason string) []byte {
	if code == CloseNoStatus {
		return dst
	}
	dst = binary.BigEndian.AppendUint16(dst, uint16(code))
	max := MaxControlPayload - 2
	if len(reason) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(reason[cut]) {
			cut--
		}
		reason = reason[:cut]
	}
	return append(dst, reason...)
}
