package conformance

import (
	"bufio"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// Opcodes of RFC 6455 §5.2, written out here rather than imported: the
// suite must not trust the code it checks.
const (
	opCont   = 0x0
	opText   = 0x1
	opBinary = 0x2
	opClose  = 0x8
	opPing   = 0x9
	opPong   = 0xA
)

// frame is one frame as the suite wants it on the wire, including frames
// no correct client would send. Build one with text, binary, cont, ping,
// pong or closeFrame and adjust it with the methods below; wire turns it
// into bytes, masked with a fresh random key unless unmasked says not to.
type frame struct {
	fin      bool
	rsv      byte // RSV1 = 4, RSV2 = 2, RSV3 = 1
	op       byte
	payload  []byte
	unmasked bool
	lenForm  int // 0: the shortest length form; 16 or 64: that form regardless (§5.2)
}

func text(s string) frame             { return frame{fin: true, op: opText, payload: []byte(s)} }
func textBytes(b []byte) frame        { return frame{fin: true, op: opText, payload: b} }
func bin(b []byte) frame              { return frame{fin: true, op: opBinary, payload: b} }
func cont(s string) frame             { return frame{fin: true, op: opCont, payload: []byte(s)} }
func contBytes(b []byte) frame        { return frame{fin: true, op: opCont, payload: b} }
func ping(s string) frame             { return frame{fin: true, op: opPing, payload: []byte(s)} }
func pong(s string) frame             { return frame{fin: true, op: opPong, payload: []byte(s)} }
func opFrame(op byte, s string) frame { return frame{fin: true, op: op, payload: []byte(s)} }

// closeFrame is a close frame with a status code and a reason (§5.5.1).
func closeFrame(code int, reason string) frame {
	p := binary.BigEndian.AppendUint16(nil, uint16(code))
	return frame{fin: true, op: opClose, payload: append(p, reason...)}
}

// closePayload is a close frame with exactly payload p (empty, 1 byte...).
func closePayload(p []byte) frame { return frame{fin: true, op: opClose, payload: p} }

// more clears FIN: more fragments of this message follow (§5.4).
func (f frame) more() frame { f.fin = false; return f }

// withRSV sets the reserved bits (§5.2).
func (f frame) withRSV(rsv byte) frame { f.rsv = rsv; return f }

// noMask sends the frame unmasked, which §5.1 forbids a client.
func (f frame) noMask() frame { f.unmasked = true; return f }

// lengthForm forces the 16- or 64-bit extended length even where a
// shorter form fits, which §5.2 forbids ("the minimal number of bytes MUST
// be used to encode the length").
func (f frame) lengthForm(bits int) frame { f.lenForm = bits; return f }

// wire returns the frame's bytes.
func (f frame) wire() []byte {
	b0 := f.op & 0x0F
	if f.fin {
		b0 |= 0x80
	}
	b0 |= (f.rsv & 7) << 4
	var maskBit byte = 0x80
	if f.unmasked {
		maskBit = 0
	}
	n := len(f.payload)
	out := make([]byte, 0, 14+n)
	switch {
	case f.lenForm == 64 || (f.lenForm == 0 && n > 0xFFFF):
		out = append(out, b0, maskBit|127)
		out = binary.BigEndian.AppendUint64(out, uint64(n))
	case f.lenForm == 16 || (f.lenForm == 0 && n > 125):
		out = append(out, b0, maskBit|126)
		out = binary.BigEndian.AppendUint16(out, uint16(n))
	default:
		out = append(out, b0, maskBit|byte(n))
	}
	if f.unmasked {
		return append(out, f.payload...)
	}
	var key [4]byte
	rand.Read(key[:])
	out = append(out, key[:]...)
	start := len(out)
	out = append(out, f.payload...)
	mask(key, out[start:])
	return out
}

// mask XORs b with the key in place (§5.3). Eight bytes at a time, so that
// masking a 16 MiB message stays cheap under the race detector.
func mask(key [4]byte, b []byte) {
	k := binary.LittleEndian.Uint32(key[:])
	k8 := uint64(k) | uint64(k)<<32
	i := 0
	for ; i+8 <= len(b); i += 8 {
		binary.LittleEndian.PutUint64(b[i:], binary.LittleEndian.Uint64(b[i:])^k8)
	}
	for ; i < len(b); i++ {
		b[i] ^= key[i&3]
	}
}

// frames concatenates the wire form of fs, to send them in one write.
func frames(fs ...frame) []byte {
	var out []byte
	for _, f := range fs {
		out = append(out, f.wire()...)
	}
	return out
}

// acceptGUID is the constant of §1.3 that the server appends to the key.
const acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// newKey returns a fresh Sec-WebSocket-Key: 16 random bytes in base64 (§4.1).
func newKey() string {
	var raw [16]byte
	rand.Read(raw[:])
	return base64.StdEncoding.EncodeToString(raw[:])
}

// acceptFor is the Sec-WebSocket-Accept a server must answer key with
// (§4.2.2): base64 of the SHA-1 of the key and the GUID.
func acceptFor(key string) string {
	sum := sha1.Sum([]byte(key + acceptGUID))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// upgradeRequest is a client's opening handshake for path (§4.1) with
// extra header lines, each ending in CRLF.
func upgradeRequest(addr, path, key, extra string) string {
	return "GET " + path + " HTTP/1.1\r\n" +
		"Host: " + addr + "\r\n" +
		"Upgrade: websocket\r\n" +
		"Connection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + key + "\r\n" +
		"Sec-WebSocket-Version: 13\r\n" +
		extra + "\r\n"
}

// exchange opens a TCP connection to addr, writes request, and reads the
// response head. The reader may already hold the first frames.
func exchange(addr string, request []byte, timeout time.Duration) (net.Conn, *bufio.Reader, *http.Response, error) {
	nc, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, nil, nil, err
	}
	nc.SetDeadline(time.Now().Add(timeout))
	if _, err := nc.Write(request); err != nil {
		nc.Close()
		return nil, nil, nil, err
	}
	br := bufio.NewReaderSize(nc, 64<<10)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		nc.Close()
		return nil, nil, nil, fmt.Errorf("reading the handshake response: %w", err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		resp.Body.Close()
	}
	nc.SetDeadline(time.Time{})
	return nc, br, resp, nil
}

// checkUpgrade says what is wrong, if anything, with the server's answer
// to a valid opening handshake that offered no extension and no
// subprotocol the server knows (§4.2.2).
func checkUpgrade(resp *http.Response, key string) error {
	switch {
	case resp.StatusCode != http.StatusSwitchingProtocols:
		return fmt.Errorf("handshake: status %s, want 101", resp.Status)
	case !strings.EqualFold(resp.Header.Get("Upgrade"), "websocket"):
		return fmt.Errorf("handshake: Upgrade %q, want websocket", resp.Header.Get("Upgrade"))
	case resp.Header.Get("Sec-WebSocket-Accept") != acceptFor(key):
		return fmt.Errorf("handshake: Sec-WebSocket-Accept %q, want %q", resp.Header.Get("Sec-WebSocket-Accept"), acceptFor(key))
	case resp.Header.Get("Sec-WebSocket-Extensions") != "":
		return fmt.Errorf("handshake: extension %q accepted but none the server supports was offered (§9.1)", resp.Header.Get("Sec-WebSocket-Extensions"))
	case resp.Header.Get("Sec-WebSocket-Protocol") != "":
		return fmt.Errorf("handshake: subprotocol %q selected but none the server supports was offered (§4.2.2)", resp.Header.Get("Sec-WebSocket-Protocol"))
	}
	return nil
}

// handshake opens a TCP connection to addr and performs the opening
// handshake of §4.1 for path by hand, offering no extension and no
// subprotocol. The returned reader may already hold the first frames.
func handshake(addr, path string, timeout time.Duration) (net.Conn, *bufio.Reader, error) {
	key := newKey()
	nc, br, resp, err := exchange(addr, []byte(upgradeRequest(addr, path, key, "")), timeout)
	if err != nil {
		return nil, nil, err
	}
	if err := checkUpgrade(resp, key); err != nil {
		nc.Close()
		return nil, nil, err
	}
	return nc, br, nil
}

// longFrame is a masked frame of n bytes of repeated letters, in pieces
// that share one 64 KiB buffer: the suite can announce and send a frame
// over a server's limit without making a payload that large.
func longFrame(fin bool, op byte, n int) [][]byte {
	f := frame{fin: fin, op: op}
	head := f.wire() // an empty masked frame: header and key
	var key [4]byte
	copy(key[:], head[len(head)-4:])
	b0 := head[0]
	head = append([]byte{b0, 0x80 | 127}, binary.BigEndian.AppendUint64(nil, uint64(n))...)
	head = append(head, key[:]...)
	chunk := make([]byte, 64<<10) // a multiple of 4: the key lines up in every copy
	for i := range chunk {
		chunk[i] = 'a' + byte(i%26)
	}
	mask(key, chunk)
	pieces := [][]byte{head}
	for ; n >= len(chunk); n -= len(chunk) {
		pieces = append(pieces, chunk)
	}
	return append(pieces, chunk[:n])
}
