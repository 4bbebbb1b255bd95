package server

import (
	"github.com/fleetaudit/fleetaudit/internal/metrics"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// MetricsObserver feeds every finished audit to the metrics collector. Rules, when set, are
// the rules evaluated (the controls they cite get a series each).
type MetricsObserver struct {
	Collector *metrics.Collector
	Rules     []*policy.Rule
}

// Observe implements Observer.
func (m MetricsObserver) Observe(s *State) {
	m.Collector.Update(&metrics.Snapshot{Facts: s.Facts, Audit: s.Audit, Finished: s.Finished, Duration: s.Duration, Decisions: s.Decisions, Rules: m.Rules})
}
