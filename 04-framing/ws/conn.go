// Package ws is one end of a WebSocket connection after the opening
// handshake: it reads messages with frame.Reader (which enforces the rules of
// RFC 6455 §5), answers pings and close frames as §5.5 requires, writes
// messages one writer at a time, and ends the connection with the closing
// handshake of §7.
//
// The same Conn serves both ends; only masking differs (§5.1): a client
// masks every frame it sends with a fresh key from crypto/rand and expects
// unmasked frames, a server the other way round. Chapter 04's server and
// client packages build a Conn with NewServer or NewClient.
package ws

import (
	"bufio"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"example.com/wswalk/04-framing/frame"
)

// Defaults for the Options left zero.
const (
	DefaultReadTimeout  = 2 * time.Minute
	DefaultWriteTimeout = 10 * time.Second
	DefaultCloseWait    = 2 * time.Second
)

// drainLimit bounds what Conn reads and throws away while waiting for the
// peer to finish closing: a peer that keeps sending cannot keep us reading.
const drainLimit = 1 << 20

// Options tune a Conn. The zero value is ready to use.
type Options struct {
	// MaxMessage is the largest message accepted, fragments together;
	// larger ones fail the connection with 1009. 0 means
	// frame.DefaultMaxMessage (1 MiB).
	MaxMessage int64

	// ReadTimeout bounds the silences: a peer that sends nothing for that
	// long is pinged, and one that then stays silent as long again is
	// closed with 1001. It also bounds how long one frame may take to
	// arrive once started, so a peer that trickles bytes cannot hold the
	// connection for ever.
	ReadTimeout time.Duration

	// WriteTimeout bounds each write: a peer that stops reading is cut
	// off instead of blocking its writer.
	WriteTimeout time.Duration

	// CloseWait is how long to wait for the peer's half of the closing
	// handshake before closing TCP anyway.
	CloseWait time.Duration

	// Trace, when set, sees every frame: in is true for frames read, false
	// for frames written. payload is unmasked. frame.Describe draws it.
	Trace func(in bool, h frame.Header, payload []byte)

	// OnPong, when set, is called with the payload of each pong received.
	OnPong func(payload []byte)
}

// CloseError is what ReadMessage returns once the peer has closed the
// connection with a close frame: its code and reason. The close handshake
// is then complete and the TCP connection closed.
type CloseError struct {
	Code   frame.CloseCode
	Reason string
}

func (e *CloseError) Error() string {
	return fmt.Sprintf("websocket: closed by peer: %d %s %q", uint16(e.Code), e.Code, e.Reason)
}

// ErrClosed is returned when writing after the close frame was sent (§5.5.1:
// no data frames after a close frame) or reading after the connection ended
// for a reason already returned.
var ErrClosed = errors.New("websocket: connection closed")

// Conn is an open WebSocket connection. One goroutine may call ReadMessage;
// any number may write: writes are serialised, so frames never interleave
// on the wire ("one writer at a time").
type Conn struct {
	nc     net.Conn
	br     *bufio.Reader
	rd     *frame.Reader
	opt    Options
	client bool // mask what we send (§5.1)

	readErr error        // sticky: after a failure every read returns it
	closeBy atomic.Int64 // once we sent a close: the answer's deadline, Unix ns

	wmu       sync.Mutex
	wbuf      []byte // header plus small payloads, reused
	closeSent bool   // a close frame went out: no more data frames
	broken    bool   // a write failed: the connection is unusable

	finished sync.Once
}

// NewServer wraps nc, whose opening handshake is done, as the server end.
// br holds whatever the client sent after its handshake request, so it
// must be the reader the handshake was read with.
func NewServer(nc net.Conn, br *bufio.Reader, opt Options) *Conn {
	return newConn(nc, br, opt, false)
}

// NewClient wraps nc as the client end: it masks what it writes and
// refuses masked frames from the server.
func NewClient(nc net.Conn, br *bufio.Reader, opt Options) *Conn {
	return newConn(nc, br, opt, true)
}

func newConn(nc net.Conn, br *bufio.Reader, opt Options, client bool) *Conn {
	if opt.ReadTimeout <= 0 {
		opt.ReadTimeout = DefaultReadTimeout
	}
	if opt.WriteTimeout <= 0 {
		opt.WriteTimeout = DefaultWriteTimeout
	}
	if opt.CloseWait <= 0 {
		opt.CloseWait = DefaultCloseWait
	}
	if br == nil {
		br = bufio.NewReader(nc)
	}
	c := &Conn{nc: nc, br: br, opt: opt, client: client}
	// A server reads a client, whose frames must be masked; a client reads
	// a server, whose frames must not be.
	c.rd = frame.NewReader(br, !client)
	c.rd.MaxMessage = opt.MaxMessage
	if opt.Trace != nil {
		c.rd.Trace = func(h frame.Header, p []byte) { opt.Trace(true, h, p) }
	}
	return c
}

// NetConn returns the TCP connection underneath, for its addresses.
func (c *Conn) NetConn() net.Conn { return c.nc }

// ReadMessage returns the next text or binary message, whole. On the way
// it answers pings with pongs (§5.5.2), passes pongs to OnPong, and
// handles the closing handshake.
//
// Errors end the connection, which is closed by the time ReadMessage
// returns:
//   - *CloseError: the peer sent a close frame; it was answered (§5.5.1).
//   - *frame.ProtocolError: the peer broke the rules; it was sent a close
//     frame with the error's code (1002, 1007 or 1009) — "_Fail the
//     WebSocket Connection_" (§7.1.7).
//   - anything else: the TCP connection failed or timed out.
func (c *Conn) ReadMessage() (frame.Opcode, []byte, error) {
	if c.readErr != nil {
		return 0, nil, c.readErr
	}
	for {
		if err := c.awaitFrame(); err != nil {
			c.readErr = c.fail(err)
			return 0, nil, c.readErr
		}
		c.setReadDeadline() // the frame, once started, gets ReadTimeout to arrive
		op, p, err := c.rd.Next()
		if err != nil {
			c.readErr = c.fail(err)
			return 0, nil, c.readErr
		}
		switch op {
		case frame.OpText, frame.OpBinary:
			return op, p, nil
		case frame.OpPing:
			// §5.5.3: the pong carries the ping's "exact Application data".
			if err := c.writeFrame(true, frame.OpPong, p, false); err != nil && !errors.Is(err, ErrClosed) {
				c.readErr = c.fail(err)
				return 0, nil, c.readErr
			}
		case frame.OpPong:
			if c.opt.OnPong != nil {
				c.opt.OnPong(p)
			}
		case frame.OpClose:
			// The Reader has already checked the payload with ParseClose.
			code, reason, _ := frame.ParseClose(p)
			// §5.5.1: answer with a close frame, "typically echoing the
			// status code it received". An empty close is answered empty.
			c.sendClose(code, "")
			// Both close frames have crossed; the peer may send nothing
			// more, but a careless one might have, and closing on unread
			// bytes would reset the connection and could lose our answer.
			c.finish()
			c.readErr = &CloseError{Code: code, Reason: reason}
			return 0, nil, c.readErr
		}
	}
}

// awaitFrame waits for the first byte of the next frame. A peer silent for
// ReadTimeout is sent a ping (§5.5.2: a keepalive); a peer that stays silent
// for another ReadTimeout, not even answering with a pong, is gone.
func (c *Conn) awaitFrame() error {
	pinged := false
	for {
		c.setReadDeadline()
		_, err := c.br.Peek(1)
		var ne net.Error
		if err == nil || pinged || c.closeBy.Load() != 0 || !errors.As(err, &ne) || !ne.Timeout() {
			return err
		}
		if err := c.Ping(nil); err != nil {
			return err
		}
		pinged = true
	}
}

// setReadDeadline gives the next frame ReadTimeout to arrive, unless we
// have sent a close frame: then the peer's answer is due by the time Close
// set, however many frames the peer sends meanwhile.
func (c *Conn) setReadDeadline() {
	c.nc.SetReadDeadline(time.Now().Add(c.opt.ReadTimeout))
	// Checked after setting, so a Close running meanwhile cannot have its
	// deadline overwritten by ours.
	if by := c.closeBy.Load(); by != 0 {
		c.nc.SetReadDeadline(time.Unix(0, by))
	}
}

// fail ends the connection after a read error and returns the error to
// report.
func (c *Conn) fail(err error) error {
	var pe *frame.ProtocolError
	var ne net.Error
	switch {
	case errors.As(err, &pe):
		c.sendClose(pe.Code, pe.Reason)
	case errors.As(err, &ne) && ne.Timeout():
		c.wmu.Lock()
		waited := c.closeSent // we sent a close and the answer never came
		c.wmu.Unlock()
		if !waited {
			c.sendClose(frame.CloseGoingAway, "read timeout")
		}
	}
	c.finish()
	return err
}

// WriteMessage sends p as one text or binary message in a single frame.
// It is safe to call from several goroutines.
func (c *Conn) WriteMessage(op frame.Opcode, p []byte) error {
	if !op.IsData() {
		return fmt.Errorf("websocket: WriteMessage with opcode %s", op)
	}
	return c.writeFrame(true, op, p, true)
}

// WriteFrame sends one frame as given: a fragment (fin false, or opcode
// OpContinuation), a ping, or a pong. Fragments of one message must not be
// interleaved with other data frames by the caller (§5.4); control frames
// may go between them.
func (c *Conn) WriteFrame(fin bool, op frame.Opcode, p []byte) error {
	if op == frame.OpClose {
		return errors.New("websocket: use Close to send a close frame")
	}
	return c.writeFrame(fin, op, p, !op.IsControl())
}

// Ping sends a ping; the pong arrives through OnPong while ReadMessage runs.
func (c *Conn) Ping(p []byte) error { return c.writeFrame(true, frame.OpPing, p, false) }

// Close starts the closing handshake (§7.1.2): it sends a close frame with
// code and reason and gives the peer CloseWait to answer. The goroutine in
// ReadMessage then sees the answer (as *CloseError) and closes TCP; if no
// goroutine is reading, call CloseNow afterwards, or use CloseAndWait.
func (c *Conn) Close(code frame.CloseCode, reason string) error {
	err := c.sendClose(code, reason)
	by := time.Now().Add(c.opt.CloseWait)
	c.closeBy.CompareAndSwap(0, by.UnixNano())
	c.nc.SetReadDeadline(time.Unix(0, c.closeBy.Load()))
	return err
}

// CloseAndWait is Close for a caller that is not reading in another
// goroutine: it sends the close frame, reads (and drops) messages until the
// peer's close frame, and closes TCP. It returns the peer's *CloseError, or
// the error that ended the wait.
func (c *Conn) CloseAndWait(code frame.CloseCode, reason string) error {
	if err := c.Close(code, reason); err != nil && !errors.Is(err, ErrClosed) {
		c.CloseNow()
		return err
	}
	for {
		if _, _, err := c.ReadMessage(); err != nil {
			return err
		}
	}
}

// CloseNow closes the TCP connection without a closing handshake.
func (c *Conn) CloseNow() error {
	var err error
	c.finished.Do(func() { err = c.nc.Close() })
	return err
}

// sendClose writes a close frame, once: after the first, nothing more
// may be sent (§5.5.1).
func (c *Conn) sendClose(code frame.CloseCode, reason string) error {
	var buf [frame.MaxControlPayload]byte
	return c.writeFrame(true, frame.OpClose, frame.AppendClose(buf[:0], code, reason), false)
}

// finish closes TCP the polite way: send FIN (the server closes first, so
// TIME_WAIT stays on its side, §7.1.1), then read what the peer still had
// in flight until it closes too or CloseWait passes. Closing at once with
// unread bytes would make the kernel send a reset, and the peer might
// lose our close frame with it.
func (c *Conn) finish() {
	c.finished.Do(func() {
		if cw, ok := c.nc.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
		}
		c.nc.SetReadDeadline(time.Now().Add(c.opt.CloseWait))
		io.CopyN(io.Discard, c.br, drainLimit)
		c.nc.Close()
	})
}

// smallWrite is the payload size up to which a frame is copied into one
// buffer with its header; larger payloads go out with writev, uncopied.
const smallWrite = 4 << 10

// writeFrame writes one frame under the write lock, with the write
// deadline. data says it is a data frame, which is refused once a close
// frame has gone out.
func (c *Conn) writeFrame(fin bool, op frame.Opcode, p []byte, data bool) error {
	if op.IsControl() && len(p) > frame.MaxControlPayload {
		return frame.ErrControlTooLong
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.broken || c.closeSent {
		return ErrClosed
	}
	if op == frame.OpClose {
		c.closeSent = true
	}
	h := frame.Header{Fin: fin, Opcode: op, Length: int64(len(p)), Masked: c.client}
	if c.client {
		rand.Read(h.Key[:]) // §5.3: a fresh, unpredictable key for every frame
	}
	if c.opt.Trace != nil {
		c.opt.Trace(false, h, p)
	}
	c.nc.SetWriteDeadline(time.Now().Add(c.opt.WriteTimeout))
	var err error
	switch {
	case c.client:
		err = c.writeMasked(h, p)
	case len(p) <= smallWrite:
		c.wbuf = append(frame.AppendHeader(c.wbuf[:0], h), p...)
		_, err = c.nc.Write(c.wbuf)
	default:
		c.wbuf = frame.AppendHeader(c.wbuf[:0], h)
		bufs := net.Buffers{c.wbuf, p}
		_, err = bufs.WriteTo(c.nc)
	}
	if err != nil {
		// A half-written frame leaves the stream unusable: close it, which
		// also wakes a reader blocked on the connection.
		c.broken = true
		c.nc.Close()
	}
	return err
}

// maskChunk is how much of a client's payload is masked per write: the
// caller's bytes are never changed, so they are masked into a copy.
const maskChunk = 32 << 10

// writeMasked writes h and p masked with h.Key, a chunk at a time.
func (c *Conn) writeMasked(h frame.Header, p []byte) error {
	if cap(c.wbuf) < frame.MaxHeaderLen+maskChunk {
		c.wbuf = make([]byte, 0, frame.MaxHeaderLen+maskChunk)
	}
	buf := frame.AppendHeader(c.wbuf[:0], h)
	pos := 0
	for {
		n := min(len(p), cap(buf)-len(buf))
		at := len(buf)
		buf = append(buf, p[:n]...)
		pos = frame.Mask(h.Key, pos, buf[at:])
		if _, err := c.nc.Write(buf); err != nil {
			return err
		}
		p = p[n:]
		if len(p) == 0 {
			return nil
		}
		buf = buf[:0]
	}
}
