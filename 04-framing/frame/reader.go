package frame

import "io"

// DefaultMaxMessage is the largest message a Reader accepts unless told
// otherwise: 1 MiB. Larger messages fail the connection with 1009.
const DefaultMaxMessage = 1 << 20

// Reader reads frames from a peer, checks each against the rules of RFC
// 6455 §5 and puts fragmented messages back together.
//
// Next returns either one whole data message or one control frame: control
// frames may arrive between the fragments of a message (§5.4), and the
// caller must answer a ping or a close at once, without waiting for the
// message to end. The Reader keeps the unfinished message meanwhile.
//
// Any violation is returned as a *ProtocolError carrying the close code to
// fail the connection with; after an error the Reader must not be used.
type Reader struct {
	r io.Reader // the connection, ideally through a bufio.Reader

	// Masked is what the peer's frames must say about masking: true when
	// reading a client (§5.1: "a client MUST mask all frames"), false when
	// reading a server ("a server MUST NOT mask any frames").
	Masked bool

	// MaxMessage bounds a message's total size in bytes, fragments
	// together. It is checked against each frame's declared length before
	// any of its payload is read or allocated. 0 means DefaultMaxMessage;
	// a negative value means no limit.
	MaxMessage int64

	// Rsv are the RSV bits an extension negotiated with the peer gives a
	// meaning to (RSV1 = 4, RSV2 = 2, RSV3 = 1). None is negotiated here,
	// so the zero value rejects every frame with an RSV bit set (§5.2).
	Rsv byte

	// Trace, when set, is called with each frame after its payload is
	// read and unmasked.
	Trace func(h Header, payload []byte)

	hdr  [MaxHeaderLen]byte
	ctrl [MaxControlPayload]byte // the payload of the latest control frame

	msgOp Opcode // text or binary while a fragmented message is open, else 0
	msg   []byte // the message so far
	text  UTF8   // the check of a text message so far
}

// NewReader returns a Reader of r. masked says whether the peer must mask
// (true when r is a client's connection).
func NewReader(r io.Reader, masked bool) *Reader {
	return &Reader{r: r, Masked: masked}
}

// Next reads until it has a whole data message or a control frame, and
// returns its opcode and payload.
//
// For OpText and OpBinary the payload is the whole message, fragments
// joined, owned by the caller; text is valid UTF-8. For OpPing, OpPong and
// OpClose it is the frame's payload (at most 125 bytes), valid only until
// the next call; a close payload has already passed ParseClose.
//
// io.EOF means the peer closed the connection between frames;
// io.ErrUnexpectedEOF, in the middle of one.
func (r *Reader) Next() (Opcode, []byte, error) {
	for {
		h, err := readHeader(r.r, &r.hdr)
		if err != nil {
			return 0, nil, err
		}
		if err := r.check(h); err != nil {
			return 0, nil, err
		}
		if h.Opcode.IsControl() {
			p := r.ctrl[:h.Length]
			if err := r.readControl(h, p); err != nil {
				return 0, nil, err
			}
			if h.Opcode == OpClose {
				if _, _, err := ParseClose(p); err != nil {
					return 0, nil, err
				}
			}
			return h.Opcode, p, nil
		}
		if h.Opcode != OpContinuation {
			r.msgOp = h.Opcode
			r.msg = nil
			r.text.Reset()
		}
		if err := r.readData(h); err != nil {
			return 0, nil, err
		}
		if h.Fin {
			if r.msgOp == OpText && !r.text.Complete() {
				return 0, nil, &ProtocolError{Code: CloseInvalidPayload,
					Reason: "text message ends inside a UTF-8 sequence"}
			}
			op, msg := r.msgOp, r.msg
			if msg == nil {
				msg = []byte{}
			}
			r.msgOp, r.msg = 0, nil
			return op, msg, nil
		}
	}
}

// check applies the rules of §5 that a header alone can break. Every one
// of them fails the connection with 1002.
func (r *Reader) check(h Header) error {
	switch {
	case h.Rsv()&^r.Rsv != 0:
		// §5.2: "MUST be 0 unless an extension is negotiated that defines
		// meanings for non-zero values".
		return protocolErr("RSV bit set without a negotiated extension")
	case h.Opcode.IsReserved():
		// §5.2: "If an unknown opcode is received, the receiving endpoint
		// MUST _Fail the WebSocket Connection_."
		return protocolErr("reserved opcode " + h.Opcode.String())
	case h.Masked != r.Masked:
		if r.Masked {
			return protocolErr("unmasked frame from a client") // §5.1
		}
		return protocolErr("masked frame from a server") // §5.1
	case h.Opcode.IsControl() && !h.Fin:
		return protocolErr("fragmented control frame") // §5.5
	case h.Opcode.IsControl() && h.Length > MaxControlPayload:
		return protocolErr("control frame payload over 125 bytes") // §5.5
	case h.Opcode == OpContinuation && r.msgOp == 0:
		return protocolErr("continuation frame with no message to continue") // §5.4
	case h.Opcode.IsData() && r.msgOp != 0:
		return protocolErr("new message inside a fragmented message") // §5.4
	}
	return nil
}

// readControl reads a control frame's payload into p and unmasks it.
func (r *Reader) readControl(h Header, p []byte) error {
	if _, err := io.ReadFull(r.r, p); err != nil {
		return unexpected(err)
	}
	if h.Masked {
		Mask(h.Key, 0, p)
	}
	if r.Trace != nil {
		r.Trace(h, p)
	}
	return nil
}

// firstRead is the room a message buffer starts with, or less when the
// frame declares less. From there it doubles as the payload arrives, so it
// holds at most twice what was received, or 4 KiB, never what the header
// promised: a peer that declares 1 MiB and sends one byte costs 4 KiB, not
// 1 MiB (RFC 6455 §10.4: limits against exhausting memory). A message of
// n bytes takes about log2(n/4 KiB) more allocations for it, and copies
// fewer than n bytes more, as io.ReadAll does.
const firstRead = 4 << 10

// readData appends a data frame's payload to the message, unmasking it and,
// for text, checking its UTF-8 piece by piece as the bytes come in: a
// message that cannot be valid fails at once, not after its last byte.
func (r *Reader) readData(h Header) error {
	limit := r.MaxMessage
	if limit == 0 {
		limit = DefaultMaxMessage
	}
	// Check the declared size before reading or allocating anything (§10.4).
	if limit > 0 && h.Length > limit-int64(len(r.msg)) {
		return &ProtocolError{Code: CloseMessageTooBig, Reason: "message over the size limit"}
	}
	start := len(r.msg)
	left := h.Length
	pos := 0
	for left > 0 {
		if len(r.msg) == cap(r.msg) {
			r.msg = grow(r.msg, left, h.Fin)
		}
		room := r.msg[len(r.msg):min(int64(cap(r.msg)), int64(len(r.msg))+left)]
		n, err := r.r.Read(room)
		if n > 0 {
			piece := room[:n]
			if h.Masked {
				pos = Mask(h.Key, pos, piece)
			}
			if r.msgOp == OpText && !r.text.Write(piece) {
				return &ProtocolError{Code: CloseInvalidPayload, Reason: "text message is not UTF-8"}
			}
			r.msg = r.msg[:len(r.msg)+n]
			left -= int64(n)
		}
		if err != nil && left > 0 {
			return unexpected(err)
		}
	}
	if r.Trace != nil {
		r.Trace(h, r.msg[start:])
	}
	return nil
}

// grow returns msg with room for more of the message, left bytes of this
// frame being due: as much room again as msg holds, at least firstRead.
// The last frame's room stops at its end, where the message does; an
// earlier fragment's does not, so that a message of many small fragments
// still grows by doubling rather than by one fragment at a time (§5.4). It
// allocates exactly that (slices.Grow may round up well past it) and
// copies what msg has so far.
func grow(msg []byte, left int64, final bool) []byte {
	more := int64(max(len(msg), firstRead))
	if final {
		more = min(more, left)
	}
	buf := make([]byte, len(msg), int64(len(msg))+more)
	copy(buf, msg)
	return buf
}
