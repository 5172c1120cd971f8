//go:build exercises

package site

import (
	"strings"
	"testing"
	"time"
)

// TestExercise7 checks exercise 7 of the README: the clock's message names
// the server's time zone, whichever zone that is, and keeps the time.
func TestExercise7(t *testing.T) {
	for _, zone := range []*time.Location{time.FixedZone("CET", 3600), time.FixedZone("JST", 9*3600), time.UTC} {
		at := time.Date(2026, 11, 25, 9, 30, 1, 250e6, zone)
		name, _ := at.Zone()
		got := ClockBody(at)
		if !strings.HasSuffix(got, " "+name) {
			t.Errorf("the clock does not name the time zone: ClockBody at %s in %s = %q, want it to end with %q", at.Format("15:04:05"), name, got, " "+name)
		}
		if !strings.Contains(got, "09:30:01.250") {
			t.Errorf("ClockBody = %q, want the time 09:30:01.250 kept", got)
		}
	}
}
