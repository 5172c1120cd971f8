// Package web holds the chapter's pages, embedded in the binary so the
// server runs from any directory and works offline: plain HTML, CSS and
// JavaScript, no build step, no CDN.
package web

import "embed"

// FS is every page file: index.html, app.js, style.css (the chat room) and
// whatever else sits next to them.
//
//go:embed *.html *.js *.css
var FS embed.FS
