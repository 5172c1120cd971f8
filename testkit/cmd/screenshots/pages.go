package main

import "time"

// page is one page of the course as a student first sees it: the chapter's
// server started as `go run` starts it (with a clock ticking where the
// chapter has one, so the page is not empty), the page opened, what a
// student would type typed, and the picture taken after a few seconds.
type page struct {
	chapter string        // the chapter's folder, which `go build` builds
	flags   []string      // besides -addr
	path    string        // the page's path on the server
	file    string        // where the picture goes, from the repository's root
	what    string        // the picture's alt text in the README
	typing  string        // JavaScript run once the page has loaded (may be empty)
	wait    time.Duration // how long the page runs before the picture
}

// say fills the inputs (selector, text, selector, text...) and presses
// the button, as a person would: the page's own handlers run.
func say(button string, fields ...string) string {
	js := "(() => {"
	for i := 0; i+1 < len(fields); i += 2 {
		js += " { const f = document.querySelector(" + quote(fields[i]) + "); f.value = " + quote(fields[i+1]) +
			"; f.dispatchEvent(new Event('input', {bubbles: true})); }"
	}
	return js + " document.querySelector(" + quote(button) + ").click(); })()"
}

func quote(s string) string { return "'" + s + "'" }

// pages are every page of the course, chapter by chapter.
var pages = []page{
	{chapter: "01-polling", flags: []string{"-tick", "1s"}, path: "/?username=ann", file: "01-polling/screenshot.png",
		what: "chapter 01's page: the messages, the form and the counters of short polling",
		typing: say("#send button", "#username", "ann", "#body", "hello from ann"), wait: 4 * time.Second},
	{chapter: "02-longpolling", flags: []string{"-tick", "1s"}, path: "/", file: "02-longpolling/screenshot.png",
		what: "chapter 02's long-polling page: the same counters, almost no empty answers",
		wait: 4 * time.Second},
	{chapter: "02-longpolling", flags: []string{"-tick", "1s"}, path: "/stream.html", file: "02-longpolling/screenshot-stream.png",
		what: "chapter 02's streaming page: one request, answered for ever",
		wait: 4 * time.Second},
	{chapter: "03-raw-handshake", path: "/", file: "03-raw-handshake/screenshot.png",
		what: "chapter 03's page: the handshake, the greeting frame and the close, with their bytes",
		wait: 2 * time.Second},
	{chapter: "04-framing", path: "/echo.html", file: "04-framing/screenshot-echo.png",
		what: "chapter 04's echo page: each message and its frames",
		typing: say("#send", "#text", "hello, frames"), wait: 2 * time.Second},
	{chapter: "04-framing", path: "/chat.html?username=ann", file: "04-framing/screenshot.png",
		what: "chapter 04's chat page: the room and the frames panel",
		typing: say("#send", "#text", "hello from ann"), wait: 2 * time.Second},
	{chapter: "05-gorilla-chat", flags: []string{"-tick", "2s"}, path: "/?username=ann", file: "05-gorilla-chat/screenshot.png",
		what: "chapter 05's chat page: the room, who is online and the frames",
		typing: say("#send-button", "#body", "hello from ann"), wait: 5 * time.Second},
	{chapter: "05-gorilla-chat", path: "/compare", file: "05-gorilla-chat/compare/screenshot.png",
		what: "the /compare page: the four techniques side by side, fed by one clock",
		wait: 16 * time.Second},
	{chapter: "06-redis-history", flags: []string{"-tick", "2s", "-room", "screenshots"}, path: "/?username=ann", file: "06-redis-history/screenshot.png",
		what: "chapter 06's chat page: the same room, its history kept in Redis",
		typing: say("#send button", "#body", "hello from ann"), wait: 5 * time.Second},
}
