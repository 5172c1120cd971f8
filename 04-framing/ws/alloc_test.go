package ws

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"runtime"
	"testing"

	"example.com/wswalk/04-framing/frame"
)

// serverRead runs one ReadMessage of a server Conn whose client sends data
// and hangs up, and returns the message, the bytes allocated meanwhile
// (the pipe's own are a few hundred) and the error.
func serverRead(t *testing.T, data []byte) ([]byte, uint64, error) {
	t.Helper()
	srv, cli := net.Pipe()
	defer srv.Close()
	go func() {
		cli.Write(data)
		cli.Close()
	}()
	c := NewServer(srv, bufio.NewReader(srv), Options{CloseWait: 1})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, msg, err := c.ReadMessage()
	runtime.ReadMemStats(&after)
	return msg, after.TotalAlloc - before.TotalAlloc, err
}

func maskedFrame(fin bool, op frame.Opcode, length int64, p []byte) []byte {
	key := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	h := frame.Header{Fin: fin, Opcode: op, Masked: true, Key: key, Length: length}
	b := append(frame.AppendHeader(nil, h), p...)
	frame.Mask(key, 0, b[len(b)-len(p):])
	return b
}

// A frame that declares 1 MiB (allowed: the default MaxMessage) and
// brings one byte costs what arrived, not what it declared: the message
// buffer starts at 4 KiB and doubles as bytes come (frame.Reader). The
// bound is loose, but a buffer sized from the header would pass it 4
// times over. Not parallel: it counts every allocation of the process.
func TestDeclaredLengthNotAllocated(t *testing.T) {
	_, alloc, err := serverRead(t, maskedFrame(true, frame.OpBinary, frame.DefaultMaxMessage, []byte("x")))
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("ReadMessage = %v, want io.ErrUnexpectedEOF", err)
	}
	if alloc > 256<<10 {
		t.Errorf("one byte of a frame declaring 1 MiB allocated %d bytes", alloc)
	}
}

// A message of many small fragments still grows by doubling: 4,096
// fragments of 16 bytes allocate a few times 64 KiB, where growing by one
// fragment at a time would copy 128 MiB. Not parallel, as above.
func TestFragmentsGrowGeometrically(t *testing.T) {
	const n, size = 4096, 16
	var data []byte
	want := bytes.Repeat([]byte("0123456789abcdef"), n)
	for i := range n {
		op := frame.OpContinuation
		if i == 0 {
			op = frame.OpBinary
		}
		data = append(data, maskedFrame(i == n-1, op, size, want[i*size:(i+1)*size])...)
	}
	msg, alloc, err := serverRead(t, data)
	if err != nil || !bytes.Equal(msg, want) {
		t.Fatalf("ReadMessage = %d bytes, %v; want the %d bytes sent", len(msg), err, len(want))
	}
	if alloc > 1<<20 {
		t.Errorf("a 64 KiB message in %d fragments allocated %d bytes", n, alloc)
	}
}
