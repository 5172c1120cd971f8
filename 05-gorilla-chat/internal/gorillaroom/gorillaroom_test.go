package gorillaroom

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"
)

// What one client sends, everyone gets, as it was sent; /stats counts the
// clients the hub holds.
func TestBroadcastAndStats(t *testing.T) {
	room := New()
	srv := httptest.NewServer(room)
	defer srv.Close()
	defer room.Close()
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
	var conns []*websocket.Conn
	for range 3 {
		c, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	// Registered once /stats says so: the 101 goes before the register.
	var stats struct{ Goroutines, Clients int }
	for deadline := time.Now().Add(5 * time.Second); stats.Clients < 3 && time.Now().Before(deadline); {
		resp, err := http.Get(srv.URL + "/stats")
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(resp.Body).Decode(&stats)
		resp.Body.Close()
		time.Sleep(time.Millisecond)
	}
	if stats.Clients != 3 || stats.Goroutines < 6 {
		t.Errorf("stats %+v, want 3 clients and 2 goroutines each at least", stats)
	}

	if err := conns[0].WriteMessage(websocket.TextMessage, []byte("hello, room")); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, msg, err := c.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(msg))
	}
	if diff := cmp.Diff([]string{"hello, room", "hello, room", "hello, room"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// Close ends the hub and every connection it holds.
func TestCloseEndsConnections(t *testing.T) {
	room := New()
	srv := httptest.NewServer(room)
	defer srv.Close()
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for deadline := time.Now().Add(5 * time.Second); room.clients.Load() < 1 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	room.Close()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, _, err := c.ReadMessage(); err == nil || strings.Contains(err.Error(), "timeout") {
		t.Errorf("read after Close: %v, want the connection closed", err)
	}
}
