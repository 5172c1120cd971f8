package server

import (
	"bufio"
	"context"
	"net"
	"runtime"
	"sync"
	"testing"
	"time"

	"example.com/wswalk/03-raw-handshake/handshake"
	"example.com/wswalk/04-framing/frame"
)

// BenchmarkDeclaredButUnsent opens 1,000 connections to our /echo, each
// sending a binary frame header that declares 1 MiB (the default
// -max-message, so it is allowed) and then one byte of it, and reports the
// memory (heap and goroutine stacks) each connection costs while its
// server side waits for the rest. The message buffer follows the bytes
// that arrived, not the header's promise: this is about an idle
// connection's cost (BenchmarkIdleConnections) plus the first 4 KiB, not
// 1 MiB. The figure includes the test's client end and a byte counter on
// each server connection. Measured once per run:
//
//	go test ./04-framing/server -run '^$' -bench DeclaredButUnsent -benchtime 1x
func BenchmarkDeclaredButUnsent(b *testing.B) {
	const n = 1000
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	counted := &countingListener{Listener: ln, conns: map[string]*countingConn{}}
	srv := New(Config{Logf: func(string, ...any) {}})
	go srv.Serve(counted)
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	for b.Loop() {
		b.ReportMetric(declaredCost(b, counted, n)/n, "B/conn")
	}
}

// declaredCost opens n connections that each declare a 1 MiB frame and
// send one byte of it, waits until every server side has read that byte
// and is waiting for more, and returns the growth of heap plus stack
// memory.
func declaredCost(b *testing.B, ln *countingListener, n int) float64 {
	addr := ln.Addr().String()
	before, g0 := memInUse()
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
		for deadline := time.Now().Add(10 * time.Second); runtime.NumGoroutine() > g0 && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
	}()
	h := frame.Header{Fin: true, Opcode: frame.OpBinary, Masked: true, Key: testKey, Length: frame.DefaultMaxMessage}
	promise := append(frame.AppendHeader(nil, h), 'x'^testKey[0])
	for range n {
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		conns = append(conns, nc)
		cw := &countingConn{Conn: nc}
		if _, _, err := handshake.ClientHandshake(cw, bufio.NewReaderSize(nc, 64), handshake.ClientRequest{Host: addr, Target: EchoPath}); err != nil {
			b.Fatal(err)
		}
		cw.Write(promise)
		// Accept returned before the 101 was written, so the server's
		// end is known by now.
		ln.conn(nc.LocalAddr().String()).waitFor(b, cw.total())
	}
	after, _ := memInUse()
	return float64(after - before)
}

// countingListener remembers each accepted connection by its peer address.
type countingListener struct {
	net.Listener
	mu    sync.Mutex
	conns map[string]*countingConn
}

func (l *countingListener) Accept() (net.Conn, error) {
	nc, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	c := &countingConn{Conn: nc}
	l.mu.Lock()
	l.conns[nc.RemoteAddr().String()] = c
	l.mu.Unlock()
	return c, nil
}

func (l *countingListener) conn(peer string) *countingConn {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.conns[peer]
	delete(l.conns, peer) // the listener keeps only the connections not yet waited for
	return c
}

// countingConn counts the bytes read and written, and tells waitFor when
// a Read begins after a given number of bytes: the reader has used them
// and waits for more.
type countingConn struct {
	net.Conn
	mu          sync.Mutex
	read, wrote int64
	inRead      bool
	want        int64
	waiting     chan struct{} // closed once a Read waits past want
}

func (c *countingConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	c.inRead = true
	c.signal()
	c.mu.Unlock()
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	c.inRead = false
	c.read += int64(n)
	c.mu.Unlock()
	return n, err
}

func (c *countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.mu.Lock()
	c.wrote += int64(n)
	c.mu.Unlock()
	return n, err
}

func (c *countingConn) total() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.wrote
}

// waitFor waits until the connection has read want bytes and is in the
// next Read.
func (c *countingConn) waitFor(b *testing.B, want int64) {
	c.mu.Lock()
	waiting := make(chan struct{})
	c.want, c.waiting = want, waiting
	c.signal()
	c.mu.Unlock()
	select {
	case <-waiting:
	case <-time.After(30 * time.Second):
		b.Fatalf("the server never read the %d bytes sent", want)
	}
}

// signal closes waiting if a Read waits past want. c.mu must be held.
func (c *countingConn) signal() {
	if c.waiting != nil && c.inRead && c.read >= c.want {
		close(c.waiting)
		c.waiting = nil
	}
}
