// Package web holds chapter 06's chat page, embedded so the server runs
// from any directory and offline: plain HTML, CSS and JavaScript. It is
// chapter 05's room plus what a shared, Redis-backed room needs to show:
// which server the page talks to, and a "history degraded" banner while
// Redis is away.
package web

import "embed"

// FS is index.html, app.js and style.css.
//
//go:embed *.html *.js *.css
var FS embed.FS
