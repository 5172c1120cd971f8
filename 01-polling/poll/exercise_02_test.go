//go:build exercises

package poll

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestExercise2 checks exercise 2 of the README: a username with < or >
// is refused with a 400 that says why, and nothing is stored; a name with
// other punctuation is still fine.
func TestExercise2(t *testing.T) {
	for _, name := range []string{"<b>ann</b>", "ann>", "<script>"} {
		l := NewLog()
		w := do(NewHandler(l), "POST", "/messages", `{"username":"`+name+`","body":"hi"}`)
		if w.Code != http.StatusBadRequest {
			t.Errorf("a username with < or > is stored: POST username %q answered %d, want 400", name, w.Code)
			continue
		}
		var e struct{ Error string }
		if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
			t.Fatalf("error body %q is not JSON: %v", w.Body, err)
		}
		if !strings.Contains(e.Error, "username") || !strings.ContainsAny(e.Error, "<>") {
			t.Errorf("username %q: error %q should say that the username may not hold < or >", name, e.Error)
		}
		if diff := cmp.Diff([]Message{}, l.Since(0)); diff != "" {
			t.Errorf("stored after a refused username (-want +got):\n%s", diff)
		}
	}
	if _, err := NewLog().Append("ann-marie (o'brien)", "hi"); err != nil {
		t.Errorf("other punctuation must still be fine: %v", err)
	}
}
