// Package web holds chapter 06's chat page, embedded so the server runs
// from any directory and offline. It is chapter 05's room (chat.js, served
// from there, as are chapter 01's style.css and ui.js) plus what a shared,
// Redis-backed room needs to show: each message's ID, which server the
// page talks to, and a "history degraded" badge while Redis is away.
package web

import (
	"embed"
	"io/fs"

	"example.com/wswalk/01-polling/site"
	chatweb "example.com/wswalk/05-gorilla-chat/web"
)

//go:embed index.html app.js
var own embed.FS

// FS is this chapter's page over chapter 05's (and so chapter 01's).
var FS fs.FS = site.Layers(own, chatweb.FS)
