// Package handshake is the opening handshake of RFC 6455, written from a raw
// TCP connection up: no net/http on the server side.
//
// A WebSocket starts life as an HTTP/1.1 request. The server reads that
// request itself (ReadRequest), checks it against RFC 6455 §4.2.1
// (Validate), and answers either "101 Switching Protocols" with the
// Sec-WebSocket-Accept proof (WriteAccepted) or an HTTP error with a short
// plain-text reason (WriteError). From then on the same TCP connection — and
// the same bufio.Reader, which may already hold the client's first frame —
// carries WebSocket frames instead of HTTP.
//
// A server built on this package looks like this:
//
//	conn, _ := ln.Accept()
//	br := bufio.NewReader(conn)
//	handshake.SetReadDeadline(conn, 10*time.Second) // the caller bounds the read
//	req, err := handshake.ReadRequest(br)
//	if err != nil {
//		handshake.WriteError(conn, err) // 400, 408, 431, 505 ...
//		conn.Close()
//		return
//	}
//	if !handshake.IsUpgrade(req) {
//		handshake.ServeFile(conn, req, pageFS) // the page, on the same port
//		conn.Close()
//		return
//	}
//	acc, err := handshake.UpgradeRequest(conn, req, cfg) // writes 101 or the error
//	handshake.SetReadDeadline(conn, 0)
//	// ... speak frames on conn (writes) and br (reads)
//
// Upgrade does the reading, validating and answering in one call.
//
// Which web pages may open a WebSocket is an Origins policy in cfg, built
// from the listener's address: handshake.OriginsFor(ln.Addr(), allow...).
// It is the course's one origin rule; Origins.Check gives it to servers
// built on net/http (gorilla's Upgrader.CheckOrigin).
//
// The client side (NewKey, WriteRequest, ReadResponse, CheckResponse,
// ClientHandshake) is the mirror image, per RFC 6455 §4.1.
//
// The package also builds the two frames the chapter's server sends
// (TextFrame, CloseFrame), byte by byte, to show what follows a handshake;
// a complete framing layer is the next chapter's subject.
package handshake
