package poll

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// TestTheRule: one table for the course's rule on names and bodies.
func TestTheRule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		why, in, name, body string
	}{
		{"plain", "  ann  ", "ann", "ann"},
		{"markup is text, and harmless as text", "<b>hi</b>", "<b>hi</b>", "<b>hi</b>"},
		{"NUL", "a\x00b", "ab", "ab"},
		{"ESC starts terminal escapes", "a\x1b[31mred", "a[31mred", "a[31mred"},
		{"newline and tab: a body's, not a name's", "a\nb\tc", "abc", "a\nb\tc"},
		{"carriage return", "a\r\nb", "ab", "a\nb"},
		{"C1 control", "a\u0085b", "ab", "ab"},
		{"right-to-left override", "ann\u202egnp.exe", "anngnp.exe", "anngnp.exe"},
		{"bidi isolate", "a\u2066b\u2069", "ab", "ab"},
		{"right-to-left mark", "a\u200fb", "ab", "ab"},
		{"zero-width space: not in a name", "a\u200bnn", "ann", "a\u200bnn"},
		{"zero-width joiner in an emoji", "👨\u200d👩\u200d👧", "👨👩👧", "👨\u200d👩\u200d👧"},
		{"byte-order mark", "\ufeffann", "ann", "\ufeffann"},
		{"invalid UTF-8", "ann\xff", "ann", "ann"},
		{"accents and scripts", "Zoë 李 عليّ", "Zoë 李 عليّ", "Zoë 李 عليّ"},
	}
	for _, tt := range tests {
		if got := CleanName(tt.in, 32); got != tt.name {
			t.Errorf("%s: CleanName(%q) = %q, want %q", tt.why, tt.in, got, tt.name)
		}
		if got := CleanBody(tt.in); got != tt.body {
			t.Errorf("%s: CleanBody(%q) = %q, want %q", tt.why, tt.in, got, tt.body)
		}
	}
	if diff := cmp.Diff("ééé", CleanName("éééé", 3)); diff != "" {
		t.Errorf("cut to 3 characters, not bytes (-want +got):\n%s", diff)
	}
}

// TestAPIRefusesWhatTheRuleDrops: this chapter's API answers 400 where a
// chat room would clean, and stores nothing.
func TestAPIRefusesWhatTheRuleDrops(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, body string
		want       error
	}{
		{"ann", "hi\x1b[2J", ErrBodyControl},
		{"ann", "file\u202egnp.exe", ErrBodyControl},
		{"a\u200bnn", "hi", ErrUsernameControl},
		{"ann\u202e", "hi", ErrUsernameControl},
		{"ann", "line one\nline two\tand a tab", nil},
		{"ann", "👨\u200d👩\u200d👧", nil},
	} {
		_, err := NewLog().Append(tt.name, tt.body)
		if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
			t.Errorf("Append(%q, %q) = %v, want %v", tt.name, tt.body, err, tt.want)
		}
	}
}

// FuzzTheRule: whatever comes in, what the rule keeps is valid UTF-8,
// holds nothing the rule drops, is kept as is when cleaned again, and a
// name is never longer than its limit.
func FuzzTheRule(f *testing.F) {
	for _, s := range []string{"ann", " a\x00\x1b[1m\u202e\u200b\u200d\ufeff\xff\n\t ", "👨\u200d👩", strings.Repeat("é", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, body := CleanName(s, MaxUsername), CleanBody(s)
		for what, got := range map[string]string{"name": name, "body": body} {
			if !utf8.ValidString(got) {
				t.Fatalf("%s %q from %q is not UTF-8", what, got, s)
			}
		}
		if utf8.RuneCountInString(name) > MaxUsername {
			t.Errorf("name %q over %d characters", name, MaxUsername)
		}
		for _, r := range name {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				t.Errorf("name %q keeps %U", name, r)
			}
		}
		for _, r := range body {
			if (unicode.IsControl(r) && r != '\n' && r != '\t') || unicode.Is(unicode.Bidi_Control, r) {
				t.Errorf("body %q keeps %U", body, r)
			}
		}
		if again := CleanName(name, MaxUsername); again != name {
			t.Errorf("CleanName not stable: %q then %q", name, again)
		}
		if again := CleanBody(body); again != body {
			t.Errorf("CleanBody not stable: %q then %q", body, again)
		}
	})
}
