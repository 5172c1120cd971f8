package frame

import "io"

// WriteFrame writes one frame: h's header, then payload. h.Length is set
// from the payload. When h.Masked, the payload is masked with h.Key on a
// copy, so the caller's bytes are left as they were.
//
// It refuses what §5.5 forbids for control frames (more than 125 bytes,
// or not final) rather than send a frame the peer must reject.
func WriteFrame(w io.Writer, h Header, payload []byte) error {
	if h.Opcode.IsControl() && (len(payload) > MaxControlPayload || !h.Fin) {
		return ErrControlTooLong
	}
	h.Length = int64(len(payload))
	buf := make([]byte, 0, HeaderLen(h)+len(payload))
	buf = AppendHeader(buf, h)
	at := len(buf)
	buf = append(buf, payload...)
	if h.Masked {
		Mask(h.Key, 0, buf[at:])
	}
	_, err := w.Write(buf)
	return err
}
