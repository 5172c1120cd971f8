package slides

import (
	"bytes"
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/present"
)

// The shape present gives its folder template (cmd/present/dir.go).
type dirListing struct {
	Name, Path                    string
	Articles, Slides, Other, Dirs []dirEntry
}

type dirEntry struct{ Name, Path, Title string }

// link finds every address a page asks the browser to follow or fetch.
var link = regexp.MustCompile(`(?i)(?:href|src|action)\s*=\s*"([^"]*)"`)

// TestIndexWorksOffline renders our folder index as present does, for the
// decks of this folder, and checks that every deck is listed and that no
// address on the page leaves this machine (the Go website's menu and footer
// are dead links in a classroom without a network).
func TestIndexWorksOffline(t *testing.T) {
	tmpl, err := template.ParseFiles("present/templates/dir.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	decks, err := filepath.Glob("*.slide")
	if err != nil {
		t.Fatal(err)
	}
	listing := dirListing{Name: "slides", Path: "slides", Dirs: []dirEntry{{Name: "..", Path: ""}}}
	var want []string
	for _, name := range decks {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := present.Parse(f, name, present.TitlesOnly)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		listing.Slides = append(listing.Slides, dirEntry{Name: name, Path: "slides/" + name, Title: doc.Title})
		want = append(want, "/slides/"+name)
	}
	var page bytes.Buffer
	if err := tmpl.Execute(&page, listing); err != nil {
		t.Fatal(err)
	}
	var decksLinked []string
	for _, m := range link.FindAllStringSubmatch(page.String(), -1) {
		addr := m[1]
		if strings.Contains(addr, "//") || strings.Contains(addr, ":") {
			t.Errorf("the index links off this machine: %q", addr)
		}
		if strings.HasSuffix(addr, ".slide") {
			decksLinked = append(decksLinked, addr)
		}
	}
	if diff := cmp.Diff(want, decksLinked); diff != "" {
		t.Errorf("decks on the index (-want +got):\n%s", diff)
	}
}

// TestServeUsesTheOfflineIndex: serve.sh hands present a base whose folder
// template is ours.
func TestServeUsesTheOfflineIndex(t *testing.T) {
	script, err := os.ReadFile("serve.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`cp present/templates/dir.tmpl "$base/templates/dir.tmpl"`,
		`-base "$base"`,
	} {
		if !bytes.Contains(script, []byte(want)) {
			t.Errorf("serve.sh lacks %s", want)
		}
	}
}
