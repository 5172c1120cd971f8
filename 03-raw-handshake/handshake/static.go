package handshake

import (
	"io"
	"io/fs"
	"path"
	"strings"
)

// contentTypes maps the file extensions a chapter page uses to their media
// types. Anything else is served as bytes.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".ico":  "image/x-icon",
	".txt":  "text/plain; charset=utf-8",
}

// ServeFile answers a plain page request from fsys: "/" is index.html, other
// paths name files in fsys. It writes 200 with the file, 404 when there is
// no such file, or 405 for a method other than GET. The response ends with
// Connection: close.
func ServeFile(w io.Writer, r *Request, fsys fs.FS) error {
	if r.Method != "GET" {
		return WriteError(w, &Error{Status: 405, Reason: "only GET is served here",
			Header: []Field{{"Allow", "GET"}}})
	}
	name := strings.TrimPrefix(path.Clean("/"+r.Path()), "/")
	if name == "" {
		name = "index.html"
	}
	body, err := fs.ReadFile(fsys, name)
	if err != nil {
		return WriteError(w, &Error{Status: 404, Reason: "no such page: " + r.Path()})
	}
	ctype, ok := contentTypes[path.Ext(name)]
	if !ok {
		ctype = "application/octet-stream"
	}
	return WriteOK(w, ctype, body)
}
