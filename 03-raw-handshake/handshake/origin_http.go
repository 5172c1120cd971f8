package handshake

import "net/http"

// Check applies o to a request a net/http server has read: it has the
// signature of gorilla/websocket's Upgrader.CheckOrigin, so a server built
// on net/http uses the same rule as this package's own (chapter 05):
//
//	origins, err := handshake.OriginsFor(ln.Addr(), allow...)
//	up := websocket.Upgrader{CheckOrigin: origins.Check}
//
// This package's server side never imports net/http for anything else.
// Like Validate, Check refuses a request with several Origin headers: a
// browser sends one (RFC 6455 §4.1 item 8), and which of them to believe
// is anyone's guess.
func (o *Origins) Check(r *http.Request) bool {
	values := r.Header.Values("Origin")
	switch len(values) {
	case 0:
		return true
	case 1:
		return o.Allowed(values[0])
	}
	return false
}
