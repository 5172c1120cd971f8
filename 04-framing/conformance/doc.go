// Package conformance is an Autobahn-style conformance suite for a
// WebSocket echo server, written in Go: it speaks raw TCP, sends frames
// crafted byte by byte (masked with a fresh random key, or deliberately
// not), and checks each reaction of the server against RFC 6455.
//
// Run(t, target) runs every case against any echo server, from any
// test: the package is a test helper, like net/http/httptest, and another
// chapter checks its own /echo with
//
//	conformance.Run(t, conformance.Target{
//		Name:       "gorilla echo",
//		Addr:       ln.Addr().String(), // host:port of a running server
//		Path:       "/echo",
//		MaxMessage: 64 << 10, // the server's read limit
//	})
//
// The package's own tests run it against two servers:
//
//	TestReference   gorilla/websocket's Upgrader with a small echo handler
//	TestHandRolled  chapter 04's own server (package server), built on frame
//
// TestSuiteCatchesFlaws breaks the reference on purpose, one flaw at a
// time, to show that the cases meant to catch each flaw do fail, and
// TestSuiteAnswersServerPings shows that a server pinging on its own, as
// it may, passes.
//
//	go test ./04-framing/conformance/ -race
//	go test ./04-framing/conformance/ -run 'TestHandRolled/6_utf8' -v
//	go test ./04-framing/conformance/ -run '^$' -bench Echo
//
// The suite is in harness.go (Target, Run), session.go, expect.go and
// read.go (one case's connection: writing crafted bytes, checking what
// comes back), wire.go (frames and the handshake by hand), payload.go and
// one cases_*.go file per group of sections; the _test.go files hold
// only the servers it runs against, the checks of the suite itself and
// the benchmarks.
//
// Each case runs on its own connection and is named by its Autobahn case
// number where one corresponds (1.1.3), or by a number with an x where
// Autobahn has no such case (1.1.x1). Sections:
//
//	Section                 RFC 6455                 Autobahn  What is checked
//	0 handshake             §4.2, §9.1               -         header forms of real clients, offers declined, bad requests -> 4xx
//	1 framing               §5.2 lengths             1.1, 1.2  text/binary of 0-125, 126, 127, 128, 65535, 65536 bytes, 16 MiB, in chops
//	2 ping/pong             §5.5, §5.5.2, §5.5.3     2         pong echoes the ping, 125 bytes ok, 126 -> 1002, unsolicited pong ignored
//	3 reserved bits         §5.2                     3         RSV1-3 without an extension -> 1002
//	4 opcodes               §5.2                     4.1, 4.2  opcodes 3-7 and 11-15 -> 1002
//	5 fragmentation         §5.4, §5.5               5         reassembly, pings between fragments, stray continuations, control frame fragments -> 1002
//	6 UTF-8                 §5.6, §8.1               6         valid text split anywhere, invalid text -> 1007, fail fast before the message ends
//	7 close                 §5.5.1, §7.1, §7.4       7         code echoed, invalid codes and payloads -> 1002, TCP closed by the server
//	9 limits and volume     §5.4, §10.4              9         large and many messages echoed exactly (speed: benchmarks)
//	x masking and lengths   §5.1, §5.2, §7.1, §10.4  -         unmasked -> 1002, non-minimal lengths, limit -> 1009, unanswered close
//	x random mix            §5.4, §5.5               -         seeded random fragments, pings and pongs, random chops
//	(12, 13 compression)    RFC 7692                 12, 13    not applicable: no extension is negotiated
//
// Every frame the server sends is checked too: unmasked, no RSV bits,
// shortest length, control frames whole and at most 125 bytes, close codes
// an endpoint may send, and nothing after its close frame.
//
// What the RFC leaves open, the suite accepts either way and logs: a
// length in a longer form than needed (x.2), which the RFC forbids a
// sender but gives a receiver no rule for; the answer to an empty close
// (empty, or 1000); failing invalid UTF-8 inside a frame or only at its
// end (6.4.3); 1002 or 1007 for a close reason that is not UTF-8 (7.5.1).
//
// Where the reference itself departs from the RFC, the case is listed in
// its Target.Deviations: it still runs and must still differ (so the list
// cannot go stale), and is logged instead of failed.
package conformance
