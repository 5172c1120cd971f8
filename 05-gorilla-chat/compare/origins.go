package compare

import (
	"net"
	"net/http"
	"slices"
	"sync"

	"example.com/wswalk/03-raw-handshake/handshake"
)

// allowed reports whether a page at origin may use the technique servers,
// by the course's one origin rule (chapter 03's handshake.Origins): the
// page must come from an address this demo's own page was served at
// (another port of the same server: the main one), or Options.Origins. No
// Origin header means no browser (a command-line client): allowed, as
// there is no page whose visitor could be abused.
func (d *Demo) allowed(origin string, r *http.Request) bool {
	if origin == "" {
		return true
	}
	return d.origins.allowed(r)
}

// pageOrigins is where the /compare page has been served from.
type pageOrigins struct {
	rules handshake.ByAddr
	mu    sync.Mutex
	pages []net.Addr
}

// served records the address a page request came in on.
func (p *pageOrigins) served(r *http.Request) {
	addr, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, a := range p.pages {
		if a.String() == addr.String() {
			return
		}
	}
	p.pages = append(p.pages, addr)
}

func (p *pageOrigins) allowed(r *http.Request) bool {
	p.mu.Lock()
	pages := slices.Clone(p.pages)
	p.mu.Unlock()
	for _, a := range pages {
		if p.rules.For(a).Check(r) {
			return true
		}
	}
	listed, _ := handshake.NewOrigins(nil, p.rules.Allow) // before any page
	return listed.Check(r)
}
