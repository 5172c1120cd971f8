// Package web holds chapter 02's page, embedded into the server binary.
//
// Only index.html and app.js (long polling) and stream.html and stream.js
// (streaming) are this chapter's: the style and the shared
// page code (common.js: the list, the form, the counters) are chapter 01's,
// imported rather than copied, so the two pages count the same things the
// same way and can be compared side by side.
package web

import (
	"embed"
	"io/fs"

	"example.com/wswalk/01-polling/site"
	pollweb "example.com/wswalk/01-polling/web"
)

//go:embed index.html app.js stream.html stream.js
var own embed.FS

// FS is this chapter's page over chapter 01's style.css and common.js.
var FS fs.FS = site.Layers(own, pollweb.FS)
