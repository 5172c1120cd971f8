// Package web holds chapter 04's pages, embedded into the server binary so
// it runs from anywhere with no files beside it: / links to the echo page
// (/echo.html, talking to /echo) and the chat page (/chat.html, on /chat).
package web

import "embed"

// FS holds the pages, their scripts and the style sheet.
//
//go:embed index.html echo.html echo.js chat.html chat.js panel.js style.css
var FS embed.FS
