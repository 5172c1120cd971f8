// Package web holds chapter 03's page, embedded into the server binary so
// it runs from anywhere with no files beside it.
//
// Only index.html, app.js and handshake.css are this chapter's: the look
// of the course (style.css) and the state badge (ui.js) are chapter 01's,
// served from there under this chapter's files.
package web

import (
	"embed"
	"io/fs"

	"example.com/wswalk/01-polling/site"
	pollweb "example.com/wswalk/01-polling/web"
)

//go:embed index.html app.js handshake.css
var own embed.FS

// FS is this chapter's page over chapter 01's style.css and ui.js.
var FS fs.FS = site.Layers(own, pollweb.FS)
