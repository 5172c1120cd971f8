package web_test

import (
	"testing"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/01-polling/site"
	"example.com/wswalk/01-polling/web/pagetest"
	"example.com/wswalk/02-longpolling/longpoll"
	"example.com/wswalk/02-longpolling/web"
)

// TestPage drives chapter 02's page in a headless Chromium with chapter
// 01's checks, holding each request for 300 ms so that empty answers (the
// wait passing) happen within the few seconds the check takes.
func TestPage(t *testing.T) {
	board := longpoll.NewBoard(poll.NewLog())
	base := pagetest.Serve(t, &site.Server{API: longpoll.NewHandler(board), Store: board, Pages: web.FS})
	pagetest.Check(t, base, "?wait=300ms", board)
}
