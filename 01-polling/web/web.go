// Package web holds chapter 01's page, embedded into the server binary so
// it runs from anywhere, offline, with no files beside it.
//
// common.js and style.css are shared with chapter 02, whose page imports
// them from here (see site.Layers): the two pages show the same counters so
// they can be compared side by side.
package web

import "embed"

// FS holds index.html, app.js, common.js and style.css.
//
//go:embed index.html app.js common.js style.css
var FS embed.FS
