package chat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	handrolled "example.com/wswalk/04-framing/client"
	"example.com/wswalk/04-framing/frame"
	"example.com/wswalk/04-framing/ws"
)

// The chapters agree: chapter 04's hand-rolled client (its own handshake,
// masking and framing) talks to this gorilla server, and gorilla's clients
// in the same room see it as one of them.
func TestHandRolledClientFromChapter04(t *testing.T) {
	t.Parallel()
	r := startRoom(t, Config{MaxMessage: 4096})
	ann := r.join(t, "ann")

	ctx := context.Background()
	hand, _, err := handrolled.Dial(ctx, r.wsURL("/ws?username=handrolled"), handrolled.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer hand.CloseNow()
	readEvent := func() Event {
		t.Helper()
		op, data, err := hand.ReadMessage()
		if err != nil {
			t.Fatalf("04 client read: %v", err)
		}
		if op != frame.OpText {
			t.Fatalf("04 client got opcode %v, want text", op)
		}
		var e Event
		if err := json.Unmarshal(data, &e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	diff(t, "04 client joins", kind{TypeOnline, "handrolled", ""}, kinds([]Event{readEvent()})[0])
	diff(t, "ann sees it join", kind{TypeOnline, "handrolled", ""}, kinds([]Event{ann.presence()})[0])

	if err := hand.WriteMessage(frame.OpText, []byte(`{"body":"hello from chapter 04"}`)); err != nil {
		t.Fatal(err)
	}
	diff(t, "ann's view", []said{{"handrolled", "hello from chapter 04"}}, bodies(ann.messages(1)))
	ann.say("hello back from gorilla")
	diff(t, "04's view", []said{{"handrolled", "hello from chapter 04"}, {"ann", "hello back from gorilla"}}, bodies([]Event{readEvent(), readEvent()}))

	// Over the read limit: gorilla's 1009 reaches the hand-rolled client.
	hand.WriteMessage(frame.OpText, bytes.Repeat([]byte("x"), 5000))
	_, _, err = hand.ReadMessage()
	var ce *ws.CloseError
	if !errors.As(err, &ce) || ce.Code != frame.CloseMessageTooBig {
		t.Errorf("04 client over the limit: %v, want close 1009", err)
	}
	diff(t, "ann sees it go", kind{TypeOffline, "handrolled", ""}, kinds([]Event{ann.presence()})[0])
}

func TestHandRolledClientEchoAndShutdown(t *testing.T) {
	t.Parallel()
	r := startRoom(t, Config{})
	hand, _, err := handrolled.Dial(context.Background(), r.wsURL("/echo"), handrolled.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer hand.CloseNow()
	type echoed struct {
		Op   frame.Opcode
		Len  int
		Same bool
	}
	var want, got []echoed
	for _, n := range []int{0, 125, 126, 65535, 65536} {
		for _, op := range []frame.Opcode{frame.OpText, frame.OpBinary} {
			data := bytes.Repeat([]byte{'e'}, n)
			if err := hand.WriteMessage(op, data); err != nil {
				t.Fatal(err)
			}
			gotOp, back, err := hand.ReadMessage()
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, echoed{op, n, true})
			got = append(got, echoed{gotOp, len(back), bytes.Equal(back, data)})
		}
	}
	diff(t, "gorilla's echo to the 04 client", want, got)

	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	go r.Shutdown(ctx)
	_, _, err = hand.ReadMessage()
	var ce *ws.CloseError
	if !errors.As(err, &ce) || ce.Code != frame.CloseGoingAway {
		t.Errorf("04 client at shutdown: %v, want close 1001", err)
	}
}
