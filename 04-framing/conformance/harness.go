package conformance

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Target is a WebSocket echo server under test.
type Target struct {
	Name string // for messages: "gorilla", "hand-rolled"
	Addr string // host:port
	Path string // the echo endpoint, "/echo"

	// MaxMessage is the server's message limit in bytes: the suite sends
	// messages up to it (and 16 MiB when it allows) and expects 1009 one
	// byte past it.
	MaxMessage int

	// Deviations lists, by case id, the cases where this server is known
	// to depart from RFC 6455, with how. Such a case still runs: it must
	// still fail (else the list is stale and the suite says so), and its
	// failure is logged instead of failing the test. An id that names no
	// case fails the test too, so a typo cannot hide a failure. A server
	// of our own lists none; one built on a library lists only what the
	// library does not let it fix.
	Deviations map[string]string
}

// testCase is one conformance case: id is Autobahn's case number where
// one matches, or a number with an x for cases Autobahn does not have.
type testCase struct {
	id   string
	name string
	run  func(s *session)
}

// section is a group of cases, as Autobahn groups them.
type section struct {
	name  string
	cases func(tg Target) []testCase
}

// sections is the whole suite, in Autobahn's order.
var sections = []section{
	{"0_handshake", handshakeCases},
	{"1_framing", framingCases},
	{"2_ping_pong", pingPongCases},
	{"3_reserved_bits", reservedBitsCases},
	{"4_opcodes", opcodeCases},
	{"5_fragmentation", fragmentationCases},
	{"6_utf8", utf8Cases},
	{"7_close", closeCases},
	{"9_limits_and_volume", volumeCases},
	{"x_masking_and_lengths", maskingCases},
	{"x_random_mix", mixCases},
}

// Run runs every case against tg, each on a fresh connection, in
// parallel within a section, as subtests named section/id_name
// (0_handshake/h.1_connection_token_in_a_list), so that -run picks one
// section or one case.
func Run(t *testing.T, tg Target) {
	t.Helper()
	if tg.Addr == "" || tg.Path == "" || tg.MaxMessage <= 0 {
		t.Fatalf("conformance.Run: Target needs Addr, Path and MaxMessage, got %+v", tg)
	}
	if tg.Name == "" {
		tg.Name = tg.Addr
	}
	known := make(map[string]bool)
	for _, sec := range sections {
		for _, c := range sec.cases(tg) {
			known[c.id] = true
		}
	}
	for id := range tg.Deviations {
		if !known[id] {
			t.Errorf("%s lists a deviation on %s, which is no case of the suite", tg.Name, id)
		}
	}
	for _, sec := range sections {
		t.Run(sec.name, func(t *testing.T) {
			for _, c := range sec.cases(tg) {
				t.Run(c.id+"_"+c.name, func(t *testing.T) {
					t.Parallel()
					runCase(t, tg, c)
				})
			}
		})
	}
}

// runCase runs one case on its own connection.
func runCase(t *testing.T, tg Target, c testCase) {
	why, deviates := tg.Deviations[c.id]
	if !deviates {
		s, err := newSession(t.Logf, tg)
		if err != nil {
			t.Fatalf("%s: %v", tg.Name, err)
		}
		s.errorf = t.Errorf
		c.run(s)
		s.finish()
		return
	}
	problems, err := problems(tg, c, 300*time.Millisecond, t.Logf)
	if err != nil {
		t.Fatalf("%s: %v", tg.Name, err)
	}
	if len(problems) == 0 {
		t.Errorf("%s is listed as deviating on %s (%s) but now follows the RFC: take it off the list", tg.Name, c.id, why)
		return
	}
	t.Logf("%s deviates from RFC 6455 on %s (%s): %s", tg.Name, c.id, why, strings.Join(problems, "; "))
}

// problems runs c against tg and returns its failures instead of failing
// the test, for cases expected to fail. What goes wrong is mostly a
// missing reaction: timeout, shorter than the suite's, bounds the wait.
// It may run on any goroutine: it reports through its results and logf.
func problems(tg Target, c testCase, timeout time.Duration, logf func(string, ...any)) ([]string, error) {
	var out []string
	record := func(format string, args ...any) {
		out = append(out, fmt.Sprintf(format, args...))
	}
	s, err := newSession(logf, tg)
	if err != nil {
		return nil, err
	}
	s.errorf = record
	s.timeout = timeout
	c.run(s)
	s.finish()
	return out, nil
}
