// Package compare puts the four techniques of the course side by side on
// the same stream of messages: short polling (chapter 01), long polling and
// streaming with Server-Sent Events (chapter 02, the two halves of Comet)
// and WebSocket (this chapter), so that the cost of each is seen,
// not argued.
//
//	                       ┌─ :A  short polling  GET /messages?since=ID        (01)
//	Publish, -tick, page ──┼─ :B  long polling   GET /messages?since=ID&wait=  (02)
//	   one message log     ├─ :C  streaming      GET /events?since=ID, an event each (02)
//	                       └─ :D  WebSocket      /ws?since=ID, a frame each
//
// One message log feeds all four. Each technique listens on a loopback port
// of its own, wrapped by chapter 01's wire counter, so the bytes and
// requests of each are counted at the connection, headers included, and
// never mixed: a browser would otherwise share keep-alive connections
// between same-origin panes, and allows only six connections per host.
// The page at /compare is served from the main server's origin and reaches
// the four ports cross-origin, so the HTTP ports answer with CORS headers
// and the WebSocket port checks the Origin header (RFC 6455, section 10.2).
//
// The stream and the WebSocket side send each message as the same JSON
// object the polling APIs return, so the four panes carry identical
// payloads and differ only in how they are carried.
package compare
