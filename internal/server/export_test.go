package server

import "context"

// HoldSlots takes n evaluation slots (waiting for them) until release is called.
func HoldSlots(s *Server, n int) (release func()) {
	var rs []func()
	for range n {
		r, err := s.slots.acquire(context.Background())
		if err != nil {
			panic(err)
		}
		rs = append(rs, r)
	}
	return func() {
		for _, r := range rs {
			r()
		}
	}
}

// Load is how many gate evaluations run and how many wait for a slot.
func Load(s *Server) (running, waiting int) { return s.slots.load() }
