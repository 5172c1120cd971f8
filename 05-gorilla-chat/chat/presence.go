package chat

import (
	"cmp"
	"slices"
	"sync"

	"example.com/wswalk/04-framing/room"
)

// presence makes the online or offline notice after members came or went,
// here or (with a Relay) elsewhere. The room calls it at most once per
// room.DefaultPresenceEvery, with the latest change of the batch; members
// who missed earlier notices lose nothing, since each carries the whole
// state: the count, and the list while the room is small.
func (s *Server) presence(last room.Change) *outgoing {
	here := s.room.Members()
	if s.cfg.Relay != nil {
		local := make([]Member, 0, len(here))
		for _, m := range here {
			local = append(local, Member{ClientID: m.ID, Username: m.Name})
		}
		s.cfg.Relay.Here(local)
	}
	e := Event{Type: TypeOffline, ClientID: last.ID, Username: last.Name, Time: now()}
	if last.Online {
		e.Type = TypeOnline
	}
	others := s.elsewhere.list()
	e.Count = len(here) + len(others)
	if e.Count <= s.cfg.MaxListed {
		e.Members = others
		for _, m := range here {
			e.Members = append(e.Members, Member{ClientID: m.ID, Username: m.Name})
		}
		slices.SortFunc(e.Members, func(a, b Member) int {
			return cmp.Or(cmp.Compare(a.Username, b.Username), cmp.Compare(a.ClientID, b.ClientID))
		})
	}
	return prepare(e)
}

// Elsewhere tells this server who is in the room on the other servers
// (what their Relay.Here said, put together): the next presence notice
// counts and lists them, naming one who came or went.
func (s *Server) Elsewhere(members []Member) {
	if c, changed := s.elsewhere.set(members); changed {
		s.room.Changed(c)
	}
}

// elsewhere is the room's members on other servers.
type elsewhere struct {
	mu      sync.Mutex
	members map[string]Member // by client ID
}

// set replaces the list and says who came or went, if anyone did.
func (e *elsewhere) set(members []Member) (room.Change, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	next := make(map[string]Member, len(members))
	var c room.Change
	changed := false
	for _, m := range members {
		next[m.ClientID] = m
		if _, known := e.members[m.ClientID]; !known {
			c, changed = room.Change{Online: true, ID: m.ClientID, Name: m.Username}, true
		}
	}
	for id, m := range e.members {
		if _, still := next[id]; !still && !changed {
			c, changed = room.Change{Online: false, ID: id, Name: m.Username}, true
		}
	}
	e.members = next
	return c, changed
}

func (e *elsewhere) list() []Member {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Member, 0, len(e.members))
	for _, m := range e.members {
		out = append(out, m)
	}
	return out
}

func (e *elsewhere) count() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.members)
}
