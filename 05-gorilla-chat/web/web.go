// Package web holds the chapter's chat page, embedded in the binary so the
// server runs from any directory and works offline: plain HTML, CSS and
// JavaScript, no build step, no CDN.
//
// chat.js is the room as a module, which app.js runs and chapter 06's page
// imports; chat.css is what this page adds to the course's look. The look
// (style.css) and the badge and message list (ui.js) are chapter 01's,
// served from there under this chapter's files.
package web

import (
	"embed"
	"io/fs"

	"example.com/wswalk/01-polling/site"
	pollweb "example.com/wswalk/01-polling/web"
)

//go:embed index.html app.js chat.js chat.css
var own embed.FS

// FS is this chapter's page over chapter 01's style.css and ui.js.
var FS fs.FS = site.Layers(own, pollweb.FS)
