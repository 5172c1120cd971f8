package conformance

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// suiteLimit is the message limit both servers run with in the suite, so
// that the 16 MiB messages of the issue fit and 16 MiB + 1 is refused.
const suiteLimit = 16 << 20

// gorillaDeviations are the cases where the reference, gorilla/websocket
// v1.5.3 with the echo handler below, departs from RFC 6455. The suite
// checks that each is still a deviation.
var gorillaDeviations = map[string]string{
	"7.3.2": "a 1-byte close payload is taken as 'no status' and answered with an empty close, not failed with 1002 (§5.5.1)",
	"7.x2":  "a 1-byte close payload is taken as 'no status' and answered with an empty close, not failed with 1002 (§5.5.1)",
	"x.2.5": "a 64-bit length with the top bit set drops the connection without a close frame",
	// gorilla does not check UTF-8 at all; the handler checks each whole
	// message, so it cannot fail fast.
	"6.4.1":  "text is checked only once the message is whole: no fail-fast",
	"6.4.2":  "text is checked only once the message is whole: no fail-fast",
	"6.4.x1": "text is checked only once the message is whole: no fail-fast",
	"6.4.x2": "text is checked only once the message is whole: no fail-fast",
	"6.4.x3": "text is checked only once the message is whole: no fail-fast",
	"6.4.x4": "text is checked only once the message is whole: no fail-fast",
}

func init() {
	for i := range failFastByByte {
		gorillaDeviations[failFastByteID(i)] = "text is checked only once the message is whole: no fail-fast"
	}
}

// startGorilla runs the reference echo server: gorilla/websocket's
// Upgrader, a read limit, and a UTF-8 check of text that gorilla leaves to
// the application.
func startGorilla(t testing.TB) Target {
	return startGorillaEcho(t, flaws{})
}

// flaws break the reference on purpose, to show that the suite notices
// (TestSuiteCatchesFlaws). The zero value breaks nothing.
type flaws struct {
	noUTF8Check bool          // echo invalid text as it came
	noPong      bool          // ignore pings
	truncate    bool          // echo all but the last byte
	holdOpen    chan struct{} // after the closing handshake, keep the TCP connection until this is closed

	// pingFirst is no flaw: the server pings before each echo, as a server
	// may (§5.5.2); the suite must answer and carry on.
	pingFirst bool
}

func startGorillaEcho(t testing.TB, f flaws) Target {
	upgrader := websocket.Upgrader{}
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		c, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		c.SetReadLimit(suiteLimit)
		if f.noPong {
			c.SetPingHandler(func(string) error { return nil })
		}
		for {
			op, p, err := c.ReadMessage()
			if err != nil {
				if f.holdOpen != nil {
					<-f.holdOpen
				}
				return
			}
			if f.pingFirst {
				c.WriteControl(websocket.PingMessage, []byte("are you there?"), time.Now().Add(time.Second))
			}
			if f.truncate && len(p) > 0 {
				p = p[:len(p)-1]
			}
			if op == websocket.TextMessage && !f.noUTF8Check && !utf8.Valid(p) {
				msg := websocket.FormatCloseMessage(websocket.CloseInvalidFramePayloadData, "text is not UTF-8")
				c.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
				return
			}
			if err := c.WriteMessage(op, p); err != nil {
				return
			}
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		if f.holdOpen != nil {
			close(f.holdOpen)
		}
		srv.Close()
	})
	return Target{
		Name:       "gorilla",
		Addr:       strings.TrimPrefix(srv.URL, "http://"),
		Path:       "/echo",
		MaxMessage: suiteLimit,
		Deviations: gorillaDeviations,
	}
}

// TestReference runs the suite against gorilla/websocket, to show that the
// suite's expectations are those of a strict, widely used implementation
// (and where it is not strict, that the suite knows).
func TestReference(t *testing.T) {
	t.Parallel()
	Run(t, startGorilla(t))
}
