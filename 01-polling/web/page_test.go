package web_test

import (
	"testing"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/01-polling/site"
	"example.com/wswalk/01-polling/web"
	"example.com/wswalk/01-polling/web/pagetest"
)

// TestPage drives chapter 01's page in a headless Chromium, polling every
// 100 ms so the check takes a few seconds (see pagetest.Check).
func TestPage(t *testing.T) {
	store := poll.NewLog()
	base := pagetest.Serve(t, &site.Server{API: poll.NewHandler(store), Store: store, Pages: web.FS})
	pagetest.Check(t, base, "?interval=100ms", store)
}
