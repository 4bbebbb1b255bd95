package server

import "context"

// Saturate takes every evaluation slot and every place in the queue until release is
// called, as a gate under load would.
func Saturate(s *Server) (release func()) {
	var rs []func()
	for range s.limits.Concurrency + s.limits.Queue {
		leave, err := s.slots.admit()
		if err != nil {
			panic(err)
		}
		rs = append(rs, leave)
	}
	for range s.limits.Concurrency {
		done, err := s.slots.slot(context.Background(), true, false)
		if err != nil {
			panic(err)
		}
		rs = append(rs, done)
	}
	return func() {
		for _, r := range rs {
			r()
		}
	}
}

// Load is how many gate evaluations run and how many admitted requests wait for a slot.
func Load(s *Server) (running, waiting int) { return s.slots.load() }
