package chat

import (
	"bytes"
	"net"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	chat04 "example.com/wswalk/04-framing/chat"
	server04 "example.com/wswalk/04-framing/server"
)

// fanoutTarget is a chat room to measure: this chapter's, or chapter 04's
// hand-rolled one, which takes a plain text body instead of JSON.
type fanoutTarget struct {
	url       string     // ws://.../ws or .../chat
	payload   []byte     // one message as a client sends it
	connected func() int // clients in the room now
}

// room05 is this chapter's room. The queue holds a burst of the
// throughput run's window; presence is not announced past the first
// client, so joining 1,000 clients does not send half a million online
// events first.
func room05(b *testing.B) fanoutTarget {
	s := NewServer(Config{Logger: quiet})
	ts := httptest.NewServer(s)
	b.Cleanup(func() {
		s.Shutdown(b.Context())
		ts.Close()
	})
	return fanoutTarget{
		url:       "ws" + strings.TrimPrefix(ts.URL, "http") + "/ws?username=load",
		payload:   []byte(`{"body":"fan me out"}`),
		connected: func() int { return s.Stats().Clients },
	}
}

// room04 is chapter 04's room on its raw TCP server, with the same queue.
// It announces every join, so setting up costs more; the warm-up message
// waits those out before measuring.
func room04(b *testing.B) fanoutTarget {
	room := &chat04.Room{Queue: 256}
	srv := server04.New(server04.Config{Logf: func(string, ...any) {}})
	srv.Handle("/chat", room.Handle)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Shutdown(b.Context()) })
	return fanoutTarget{
		url:       "ws://" + ln.Addr().String() + "/chat?username=load",
		payload:   []byte("fan me out"),
		connected: func() int { return len(room.Online()) },
	}
}

// fanoutRoom is a room with n gorilla clients connected, each reading in
// its own goroutine and counting the chat messages it gets.
type fanoutRoom struct {
	n      int
	target fanoutTarget
	sender *websocket.Conn // client 0, which also receives
	// total counts deliveries: message k has reached everyone when it
	// passes (k+1)*n. The delivery that passes a multiple of n sends its
	// time on complete.
	total    atomic.Int64
	complete chan time.Time
}

func newFanoutRoom(b *testing.B, n int, target fanoutTarget) *fanoutRoom {
	b.Helper()
	f := &fanoutRoom{n: n, target: target, complete: make(chan time.Time, 1024)}
	d := websocket.Dialer{ReadBufferSize: 1024, WriteBufferSize: 1024}
	url := target.url
	conns := make([]*websocket.Conn, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for w := range 50 {
		wg.Go(func() {
			for i := w; i < n; i += 50 {
				c, _, err := d.Dial(url, nil)
				if err != nil {
					errs <- err
					return
				}
				conns[i] = c
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatalf("dial: %v", err)
	}
	isMessage := []byte(`{"type":"message"`)
	for _, c := range conns {
		b.Cleanup(func() { c.Close() })
		go func() {
			for {
				_, data, err := c.ReadMessage()
				if err != nil {
					return
				}
				if !bytes.HasPrefix(data, isMessage) {
					continue
				}
				if f.total.Add(1)%int64(n) == 0 {
					f.complete <- time.Now()
				}
			}
		}()
	}
	f.sender = conns[0]
	// Warm up: once everyone has this message, everyone has had every
	// event sent before it (the joins), and measuring can start.
	f.send(b)
	<-f.complete
	return f
}

func (f *fanoutRoom) send(b *testing.B) {
	if err := f.sender.WriteMessage(websocket.TextMessage, f.target.payload); err != nil {
		b.Fatal(err)
	}
}

func (f *fanoutRoom) checkNoneEvicted(b *testing.B) {
	if got := f.target.connected(); got != f.n {
		b.Fatalf("%d clients connected, want all %d (some were evicted)", got, f.n)
	}
}

// BenchmarkFanout1000 connects 1,000 clients to a room and measures, from
// one client's send, the time until every client has the message (median
// and p99 of one-at-a-time sends), then broadcast messages per second
// sustained with up to 32 messages in flight: this chapter's room, then
// chapter 04's hand-rolled one on identical work.
//
//	go test ./05-gorilla-chat/chat -run '^$' -bench Fanout1000 -benchtime 200x
func BenchmarkFanout1000(b *testing.B) {
	for _, target := range []struct {
		name string
		room func(*testing.B) fanoutTarget
	}{{"05-gorilla", room05}, {"04-handrolled", room04}} {
		b.Run(target.name, func(b *testing.B) { fanout(b, newFanoutRoom(b, 1000, target.room(b))) })
	}
}

func fanout(b *testing.B, f *fanoutRoom) {

	b.Run("latency", func(b *testing.B) {
		var lat []time.Duration
		for b.Loop() {
			start := time.Now()
			f.send(b)
			lat = append(lat, (<-f.complete).Sub(start))
		}
		slices.Sort(lat)
		b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
		b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
		f.checkNoneEvicted(b)
	})

	b.Run("throughput", func(b *testing.B) {
		const window = 32
		base := f.total.Load() / int64(f.n) // messages fully delivered so far
		start := time.Now()
		done := int64(0)
		for sent := int64(0); sent < int64(b.N); sent++ {
			for sent-done >= window {
				<-f.complete
				done++
			}
			f.send(b)
		}
		for done < int64(b.N) {
			<-f.complete
			done++
		}
		elapsed := time.Since(start)
		b.ReportMetric(float64(b.N)/elapsed.Seconds(), "broadcasts/s")
		b.ReportMetric(float64(b.N)*float64(f.n)/elapsed.Seconds(), "deliveries/s")
		if got := f.total.Load()/int64(f.n) - base; got != int64(b.N) {
			b.Fatalf("%d messages reached everyone, want %d", got, b.N)
		}
		f.checkNoneEvicted(b)
	})
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
