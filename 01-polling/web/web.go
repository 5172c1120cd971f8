// Package web holds chapter 01's page, embedded into the server binary so
// it runs from anywhere, offline, with no files beside it.
//
// style.css and ui.js are the look of the whole course: the header, the
// cards, the state badge, the counters and the message list. Every later
// chapter serves them from here, under its own files (see site.Layers),
// and adds only what it teaches. common.js, what a polling page counts, is
// shared with chapter 02, so the two pages can be compared side by side.
package web

import "embed"

// FS holds index.html and app.js (this chapter's page), common.js (polling
// pages), style.css and ui.js (every page).
//
//go:embed index.html app.js common.js style.css ui.js
var FS embed.FS
