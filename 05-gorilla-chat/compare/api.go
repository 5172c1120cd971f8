package compare

import (
	"embed"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"

	"example.com/wswalk/01-polling/poll"
	"example.com/wswalk/01-polling/site"
	pollweb "example.com/wswalk/01-polling/web"
	"example.com/wswalk/01-polling/wire"
)

//go:embed web
var webFiles embed.FS

// Technique describes one technique's server, as GET /compare/api/config
// lists it. A client reaches it at the host it reached the page on, with
// this port: http://host:Port/messages, http://host:Port/events or
// ws://host:Port/ws.
type Technique struct {
	Name  string `json:"name"`  // Short, Long, Stream or WebSocket
	Label string `json:"label"` // what the page calls it
	Port  int    `json:"port"`
	Path  string `json:"path"` // /messages, /events or /ws
}

// Config is the answer of GET /compare/api/config: where the techniques
// are, and the ID to start after so a new client gets only what follows.
type Config struct {
	Techniques []Technique `json:"techniques"`
	LastID     int64       `json:"last_id"`
	Tick       string      `json:"tick"` // "off" or a Go duration
}

// Stats is the answer of GET /compare/api/stats: each technique's wire
// counters (bytes counted at the connection, headers included) and the
// serving process's CPU time, for the command to take the difference of.
type Stats struct {
	Techniques map[string]wire.Stats `json:"techniques"`
	CPUSeconds float64               `json:"cpu_seconds"` // user + system, the whole process
	LastID     int64                 `json:"last_id"`
	Tick       string                `json:"tick"`
	WSClients  int                   `json:"ws_clients"` // WebSocket connections open now
	Streams    int                   `json:"streams"`    // event streams open now
}

// Handler serves the page and its endpoints. Mount it on the main server
// for both "/compare" and "/compare/":
//
//	GET  /compare                the page
//	GET  /compare/compare.js     its scripts (techniques.js too) and style (compare.css;
//	                             style.css and ui.js are the course's, from chapter 01)
//	GET  /compare/api/config     Config
//	GET  /compare/api/stats      Stats
//	POST /compare/api/send       {"username":"ann","body":"hi"} -> 201 the message, in all four panes
//	POST /compare/api/tick       {"every":"500ms"} or {"every":"off"} -> 200 Config
//
// These run on the main server's port, not the techniques' ports, so the
// page's own traffic is never counted as any technique's.
func (d *Demo) Handler() http.Handler {
	own, err := fs.Sub(webFiles, "web")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	static := site.Layers(own, pollweb.FS) // the course's style.css and ui.js

	files := http.StripPrefix("/compare/", http.FileServerFS(static))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /compare", func(w http.ResponseWriter, r *http.Request) {
		d.origins.served(r) // its scripts' Origin, on the technique ports
		http.ServeFileFS(w, r, static, "compare.html")
	})
	mux.HandleFunc("GET /compare/{file}", func(w http.ResponseWriter, r *http.Request) {
		switch r.PathValue("file") {
		case "compare.js", "techniques.js", "compare.css", "style.css", "ui.js":
			files.ServeHTTP(w, r)
		default:
			http.NotFound(w, r)
		}
	})
	mux.HandleFunc("GET /compare/api/config", func(w http.ResponseWriter, r *http.Request) {
		noStore(w)
		poll.WriteJSON(w, http.StatusOK, d.Config())
	})
	mux.HandleFunc("GET /compare/api/stats", func(w http.ResponseWriter, r *http.Request) {
		noStore(w)
		poll.WriteJSON(w, http.StatusOK, d.Stats())
	})
	mux.HandleFunc("POST /compare/api/send", d.serveSend)
	mux.HandleFunc("POST /compare/api/tick", d.serveTick)
	return mux
}

// Config returns what GET /compare/api/config answers.
func (d *Demo) Config() Config {
	c := Config{LastID: d.lastID(), Tick: formatTick(d.Tick())}
	for _, name := range Names {
		c.Techniques = append(c.Techniques, Technique{Name: name, Label: labels[name], Port: d.Port(name), Path: paths[name]})
	}
	return c
}

// Stats returns what GET /compare/api/stats answers.
func (d *Demo) Stats() Stats {
	s := Stats{
		Techniques: map[string]wire.Stats{},
		CPUSeconds: cpuSeconds(),
		LastID:     d.lastID(),
		Tick:       formatTick(d.Tick()),
		WSClients:  d.hub.count(),
		Streams:    int(d.streams.Streams()),
	}
	for name, t := range d.techs {
		s.Techniques[name] = t.ln.Stats()
	}
	return s
}

func (d *Demo) serveSend(w http.ResponseWriter, r *http.Request) {
	if !d.sameSite(w, r) {
		return
	}
	var req struct {
		Username string `json:"username"`
		Body     string `json:"body"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		poll.WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	m, err := d.Publish(req.Username, req.Body)
	switch {
	case errors.Is(err, poll.ErrInvalid):
		poll.WriteError(w, http.StatusBadRequest, err.Error())
	case err != nil:
		poll.WriteError(w, http.StatusServiceUnavailable, err.Error())
	default:
		poll.WriteJSON(w, http.StatusCreated, m)
	}
}

func (d *Demo) serveTick(w http.ResponseWriter, r *http.Request) {
	if !d.sameSite(w, r) {
		return
	}
	var req struct {
		Every string `json:"every"`
	}
	if err := decodeJSON(w, r, &req); err != nil {
		poll.WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	every, err := parseTick(req.Every)
	if err != nil {
		poll.WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	d.SetTick(every)
	poll.WriteJSON(w, http.StatusOK, d.Config())
}

// sameSite refuses a POST that a page of another site made the visitor's
// browser send (a form or fetch from elsewhere carries its own Origin).
func (d *Demo) sameSite(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if d.allowed(origin, r) {
		return true
	}
	poll.WriteError(w, http.StatusForbidden, "origin not allowed: "+origin)
	return false
}

// decodeJSON reads one JSON object of at most poll.MaxRequest bytes.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, poll.MaxRequest))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("request body is empty; send a JSON object")
		}
		return errors.New("malformed JSON: " + err.Error())
	}
	if dec.More() {
		return errors.New("malformed JSON: more than one value")
	}
	return nil
}

func noStore(w http.ResponseWriter) { w.Header().Set("Cache-Control", "no-store") }
