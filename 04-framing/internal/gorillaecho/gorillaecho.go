// Package gorillaecho starts the reference the chapter measures itself
// against: an echo server written with gorilla/websocket on net/http, which
// reads and writes whole messages, as our server's Echo does. gorilla checks
// every frame a client sends (masking, lengths, control frames), so it is
// also the peer that keeps our client honest.
package gorillaecho

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// Start serves the echo until the test ends and returns its ws:// URL
// (path /echo). Messages over readLimit bytes close the connection with
// 1009, as gorilla does.
func Start(tb testing.TB, readLimit int64) string {
	tb.Helper()
	var up websocket.Upgrader
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return // Upgrade has answered the client already
		}
		defer c.Close()
		c.SetReadLimit(readLimit)
		for {
			typ, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(typ, msg); err != nil {
				return
			}
		}
	}))
	tb.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http") + "/echo"
}
