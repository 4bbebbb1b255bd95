package metrics

import "regexp"

var metricNameRE = regexp.MustCompile(`\bfleetaudit_[a-z0-9_]+`)

// MetricNames returns the fleetaudit metric names a text (PromQL, alert rules) uses.
func MetricNames(s string) []string { return metricNameRE.FindAllString(s, -1) }
