package site

import (
	"errors"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"example.com/wswalk/01-polling/poll"
)

// Pages serves the files of fsys: GET / is index.html, GET /app.js is
// app.js. A missing file is a 404 and any method but GET or HEAD a 405,
// both with a JSON error like the API's.
func Pages(fsys fs.FS) http.Handler {
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if name == "" {
			name = "index.html"
		}
		if st, err := fs.Stat(fsys, name); err != nil || st.IsDir() {
			poll.WriteError(w, http.StatusNotFound, "no such path: "+r.URL.Path)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			poll.WriteError(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed; use GET")
			return
		}
		// The page is small and changes with the code: always revalidate,
		// so a class never runs yesterday's script.
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}

// Layers is a file system that looks a name up in each of fsys in turn and
// opens the first that has it. Chapter 02 serves its own index.html and
// app.js over chapter 01's style and counters this way, importing them
// instead of copying them.
func Layers(fsys ...fs.FS) fs.FS { return layers(fsys) }

type layers []fs.FS

func (l layers) Open(name string) (fs.File, error) {
	for _, f := range l {
		file, err := f.Open(name)
		if err == nil {
			return file, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}
