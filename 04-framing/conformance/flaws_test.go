package conformance

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestSuiteCatchesFlaws breaks the reference server in one way at a time
// and checks that the cases meant to catch that flaw fail, with a message
// that names it: a suite that cannot fail proves nothing.
func TestSuiteCatchesFlaws(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		flaws flaws
		cases []string
		want  string // in the failure message
	}{
		{"echoes_invalid_utf8", flaws{noUTF8Check: true}, []string{"6.x.invalid.1", "6.x.invalid.14.bytes", "6.4.3"}, "server sent a text message that is not UTF-8"},
		{"ignores_pings", flaws{noPong: true}, []string{"2.2", "5.6", "5.19"}, `Kind:    "pong"`},
		{"truncates_messages", flaws{truncate: true}, []string{"1.1.2", "5.3", "9.1.1"}, "-want +got"},
		{"keeps_tcp_open_after_close", flaws{holdOpen: make(chan struct{})}, []string{"7.1.1", "7.7.1", "2.1"}, "did not close the TCP connection"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tg := startGorillaEcho(t, tt.flaws)
			// The cases wait for answers that never come: run them at
			// once rather than one timeout after another.
			got := make([][]string, len(tt.cases))
			errs := make([]error, len(tt.cases))
			var wg sync.WaitGroup
			for i, id := range tt.cases {
				c := findCase(t, tg, id)
				wg.Go(func() { got[i], errs[i] = problems(tg, c, 2*time.Second, t.Logf) })
			}
			wg.Wait()
			for i, id := range tt.cases {
				if errs[i] != nil {
					t.Fatalf("case %s: %v", id, errs[i])
				}
				if msg := strings.Join(got[i], "\n"); !strings.Contains(msg, tt.want) {
					t.Errorf("case %s against a server that %s: failures %q, want one mentioning %q", id, tt.name, msg, tt.want)
				}
			}
		})
	}
}

// TestSuiteAnswersServerPings runs cases against a server that pings
// before every echo, which §5.5.2 allows: they must pass.
func TestSuiteAnswersServerPings(t *testing.T) {
	t.Parallel()
	tg := startGorillaEcho(t, flaws{pingFirst: true})
	for _, id := range []string{"1.1.2", "5.6", "9.7.2", "x.5.1", "7.1.1"} {
		got, err := problems(tg, findCase(t, tg, id), 3*time.Second, t.Logf)
		if err != nil {
			t.Fatalf("case %s: %v", id, err)
		}
		if diff := cmp.Diff([]string(nil), got); diff != "" {
			t.Errorf("case %s against a server that pings first (-want +got):\n%s", id, diff)
		}
	}
}

// findCase returns the case with the given id, as the suite builds it for tg.
func findCase(t *testing.T, tg Target, id string) testCase {
	for _, sec := range sections {
		for _, c := range sec.cases(tg) {
			if c.id == id {
				return c
			}
		}
	}
	t.Fatalf("no case %s", id)
	return testCase{}
}
