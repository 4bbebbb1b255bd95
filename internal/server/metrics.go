package server

import "github.com/fleetaudit/fleetaudit/internal/metrics"

// MetricsObserver feeds every finished audit to the metrics collector.
type MetricsObserver struct{ Collector *metrics.Collector }

// Observe implements Observer.
func (m MetricsObserver) Observe(s *State) {
	m.Collector.Update(&metrics.Snapshot{Facts: s.Facts, Audit: s.Audit, Finished: s.Finished, Duration: s.Duration, Decisions: s.Decisions})
}
