package redistest

import "testing"

func TestAddr(t *testing.T) {
	for in, want := range map[string]string{
		"redis://127.0.0.1:6379/0": "127.0.0.1:6379",
		"redis://localhost/3":      "localhost:6379",
	} {
		got, err := Addr(in)
		if err != nil || got != want {
			t.Errorf("Addr(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := Addr("http://x"); err == nil {
		t.Error("Addr accepted a non-redis URL")
	}
}

// TestPrivateServerStopsAndRestarts checks the helper that chapter 06 uses to
// take Redis away in the middle of a test.
func TestPrivateServerStopsAndRestarts(t *testing.T) {
	s := Start(t)
	if err := Ping(s.Addr()); err != nil {
		t.Fatalf("fresh server: %v", err)
	}
	s.Stop()
	if err := Ping(s.Addr()); err == nil {
		t.Fatal("stopped server still answers PING")
	}
	s.Restart()
	if err := Ping(s.Addr()); err != nil {
		t.Fatalf("restarted server: %v", err)
	}
}

func TestSharedURLAnswers(t *testing.T) {
	addr, err := Addr(URL(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := Ping(addr); err != nil {
		t.Fatal(err)
	}
}
