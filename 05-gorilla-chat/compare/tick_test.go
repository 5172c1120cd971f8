package compare

import (
	"testing"
	"time"
)

// FuzzParseTick: whatever the page posts as a tick rate, parsing never
// panics, never yields a negative rate, and what it accepts becomes,
// once clamped, "off" or a rate within the bounds; formatTick's output
// reads back as itself.
func FuzzParseTick(f *testing.F) {
	for _, s := range []string{"", "off", "0", "500ms", "1s", "250", "-1s", "1h1m", "soon", "9999999999999999999", "1e3ms"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseTick(s)
		if err != nil {
			return
		}
		if d < 0 {
			t.Fatalf("parseTick(%q) = %v, want no negative rate", s, d)
		}
		c := clampTick(d)
		if c != 0 && (c < MinTick || c > MaxTick) {
			t.Fatalf("clampTick(%v) = %v, outside [%v, %v]", d, c, MinTick, MaxTick)
		}
		back, err := parseTick(formatTick(c))
		if err != nil || back != c {
			t.Fatalf("parseTick(formatTick(%v)) = %v, %v", c, back, err)
		}
	})
}

func TestParseTick(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"off", 0, true}, {"", 0, true}, {"0", 0, true}, {"250", 250 * time.Millisecond, true},
		{"1.5s", 1500 * time.Millisecond, true}, {"-2s", 0, false}, {"-5", 0, false}, {"often", 0, false},
	} {
		got, err := parseTick(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseTick(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
