package chat

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// -tick posts the time: real push, no one asks for it.
func TestTickPostsTheTime(t *testing.T) {
	t.Parallel()
	r := startRoom(t, Config{Tick: 20 * time.Millisecond})
	ann := dial(t, r.wsURL("/ws?username=ann"), nil)
	got := ann.messages(2)
	for _, e := range got {
		if e.Username != "clock" || !strings.HasPrefix(e.Body, "It is ") {
			t.Errorf("tick message %+v, want the clock telling the time", e)
		}
	}
	// Two ticks, not one sent twice. Their times are kept to the
	// millisecond, and a ticker that fell behind on a loaded machine fires
	// twice in a row, so the same millisecond is fine; an earlier one is not.
	if got[0].ID == got[1].ID || got[1].Time.Before(got[0].Time) {
		t.Errorf("ticks %s at %v then %s at %v, want a second tick, no earlier", got[0].ID, got[0].Time, got[1].ID, got[1].Time)
	}
}

// /echo keeps chapter 04's contract on gorilla: every text and binary
// message back unchanged, whatever its length's encoding (7-bit, 16-bit,
// 64-bit: RFC 6455 section 5.2).
func TestEchoWithGorilla(t *testing.T) {
	t.Parallel()
	r := startRoom(t, Config{MaxMessage: 1 << 17})
	p := dial(t, r.wsURL("/echo"), nil)
	// What came back, summed up: cmp.Diff walking megabytes byte by byte
	// would take longer than the echo.
	type echoed struct {
		Type, Len int
		Same      bool
	}
	var want, got []echoed
	for _, n := range []int{0, 1, 125, 126, 65535, 65536, 1 << 17} {
		for _, typ := range []int{websocket.TextMessage, websocket.BinaryMessage} {
			data := bytes.Repeat([]byte{'a' + byte(n%26)}, n)
			if err := p.conn.WriteMessage(typ, data); err != nil {
				t.Fatal(err)
			}
			gotTyp, back, err := p.conn.ReadMessage()
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, echoed{typ, n, true})
			got = append(got, echoed{gotTyp, len(back), bytes.Equal(back, data)})
		}
	}
	diff(t, "echoed", want, got)
	p.conn.WriteMessage(websocket.TextMessage, make([]byte, 1<<17+1))
	diff(t, "echo over the limit", websocket.CloseMessageTooBig, p.closeCode())
}

// wireCounter counts every byte in and out of the connections it accepts,
// headers and frames, as they cross the socket.
type wireCounter struct {
	net.Listener
	in, out atomic.Int64
}

func (l *wireCounter) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countedConn{Conn: c, l: l}, nil
}

type countedConn struct {
	net.Conn
	l *wireCounter
}

func (c *countedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.l.in.Add(int64(n))
	return n, err
}

func (c *countedConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.l.out.Add(int64(n))
	return n, err
}

// conversation is one fixed chat: three people, a few hundred lines of
// ordinary talk. It returns the bytes the server read and wrote for it.
func conversation(tb testing.TB, compress bool) (in, out int64, negotiated bool) {
	tb.Helper()
	s := NewServer(Config{Compress: compress, Logger: quiet})
	ts := httptest.NewUnstartedServer(s)
	wire := &wireCounter{Listener: ts.Listener}
	ts.Listener = wire
	ts.Start()
	defer ts.Close()
	defer s.Shutdown(tb.Context())

	d := websocket.Dialer{EnableCompression: compress}
	url := "ws" + strings.TrimPrefix(ts.URL, "http") + "/ws?username="
	var peers []*websocket.Conn
	for _, name := range []string{"ann", "bob", "cid"} {
		c, resp, err := d.Dial(url+name, nil)
		if err != nil {
			tb.Fatal(err)
		}
		defer c.Close()
		negotiated = strings.Contains(resp.Header.Get("Sec-WebSocket-Extensions"), "permessage-deflate")
		peers = append(peers, c)
	}
	lines := []string{
		"hi everyone, is the projector working for you?",
		"yes, I can see the slides from here",
		"what port is the chat on again?",
		"8005, and the side-by-side page is at /compare",
		"thanks! the long polling pane looks much busier than the websocket one",
	}
	// Turn by turn, each line read by all three before the next is said,
	// as people talk; the same bytes every run.
	const rounds = 60
	for i := range rounds {
		for j, p := range peers {
			p.WriteJSON(map[string]string{"body": lines[(i+j)%len(lines)]})
			for _, q := range peers {
				for {
					q.SetReadDeadline(time.Now().Add(5 * time.Second))
					var e Event
					if err := q.ReadJSON(&e); err != nil {
						tb.Fatal(err)
					}
					if e.Type == TypeMessage {
						break
					}
				}
			}
		}
	}
	return wire.in.Load(), wire.out.Load(), negotiated
}

// -compress negotiates permessage-deflate (RFC 7692) and the same
// conversation then takes fewer bytes on the wire.
func TestCompressionNegotiatedAndSmaller(t *testing.T) {
	t.Parallel()
	plainIn, plainOut, neg := conversation(t, false)
	if neg {
		t.Errorf("permessage-deflate negotiated without -compress")
	}
	zipIn, zipOut, neg := conversation(t, true)
	if !neg {
		t.Fatalf("permessage-deflate not negotiated with -compress")
	}
	t.Logf("server wire bytes in/out: plain %d/%d, deflate %d/%d", plainIn, plainOut, zipIn, zipOut)
	if zipOut >= plainOut {
		t.Errorf("deflate sent %d bytes, plain %d: want fewer", zipOut, plainOut)
	}
}

// BenchmarkConversationBytes reports the bytes on the wire for one fixed
// conversation (3 people taking turns, 180 messages, each delivered to all three), with
// and without permessage-deflate.
func BenchmarkConversationBytes(b *testing.B) {
	for _, bc := range []struct {
		name     string
		compress bool
	}{{"plain", false}, {"deflate", true}} {
		b.Run(bc.name, func(b *testing.B) {
			var in, out int64
			for b.Loop() {
				in, out, _ = conversation(b, bc.compress)
			}
			b.ReportMetric(float64(in), "wire-in-B")
			b.ReportMetric(float64(out), "wire-out-B")
		})
	}
}

var _ http.Handler = (*Server)(nil)

// /echo has the room's keepalive: a peer that stops answering pings is
// dropped, not kept (and its goroutine with it) forever.
func TestEchoDropsDeadPeer(t *testing.T) {
	t.Parallel()
	r := startRoom(t, Config{PingPeriod: 50 * time.Millisecond, PongWait: 100 * time.Millisecond})
	ghost := dial(t, r.wsURL("/echo"), nil)
	// Read the raw bytes under gorilla: the pings arrive and are never
	// answered, as from a peer that is gone, until the server hangs up.
	raw := ghost.conn.NetConn()
	raw.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	_, err := io.Copy(io.Discard, raw)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("the dead echo peer is still connected after 5s")
	}
	t.Logf("dead echo peer dropped after %v", time.Since(start))
}
