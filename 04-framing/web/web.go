// Package web holds chapter 04's pages, embedded into the server binary so
// it runs from anywhere with no files beside it: / links to the echo page
// (/echo.html, talking to /echo) and the chat page (/chat.html, on /chat).
//
// The look of the course (style.css) and its badge and message list
// (ui.js) are chapter 01's, served from there under this chapter's files;
// frames.css and panel.js, the frames panel, are what this chapter adds.
package web

import (
	"embed"
	"io/fs"

	"example.com/wswalk/01-polling/site"
	pollweb "example.com/wswalk/01-polling/web"
)

//go:embed index.html echo.html echo.js chat.html chat.js panel.js frames.css
var own embed.FS

// FS is this chapter's pages over chapter 01's style.css and ui.js.
var FS fs.FS = site.Layers(own, pollweb.FS)
