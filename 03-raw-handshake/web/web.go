// Package web holds chapter 03's page, embedded into the server binary so
// it runs from anywhere with no files beside it.
package web

import "embed"

// FS holds index.html, app.js and style.css.
//
//go:embed index.html app.js style.css
var FS embed.FS
