package reports

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// ReadinessRow is one cluster's autoscaling and observability at a glance, for the HTML and
// Markdown reports: open findings per autoscaling rule, the observability signals that
// findings say are missing (their details' signal), and the rules of both areas not judged.
type ReadinessRow struct {
	Cluster        string
	Autoscaling    string
	MissingSignals string
	NotJudged      string
}

// Readiness lists a row per audited cluster (failed clusters have none).
func Readiness(r *Report) []ReadinessRow {
	var out []ReadinessRow
	for _, c := range r.Clusters {
		if c.Status == facts.StatusFailed {
			continue
		}
		rules, signals := map[string]int{}, map[string]bool{}
		for _, f := range c.Findings {
			switch {
			case f.Waived():
			case f.Category == policy.CategoryAutoscaling:
				rules[f.RuleID]++
			case f.Category == policy.CategoryObservability:
				if s, ok := f.Details["signal"].(string); ok {
					signals[s] = true
				}
			}
		}
		row := ReadinessRow{Cluster: c.Name, Autoscaling: "none", MissingSignals: "none", NotJudged: "none"}
		if len(rules) > 0 {
			var parts []string
			for _, id := range slices.Sorted(maps.Keys(rules)) {
				parts = append(parts, fmt.Sprintf("%s ×%d", id, rules[id]))
			}
			row.Autoscaling = strings.Join(parts, ", ")
		}
		if len(signals) > 0 {
			row.MissingSignals = strings.Join(slices.Sorted(maps.Keys(signals)), ", ")
		}
		var skipped []string
		for _, s := range c.Skipped {
			if strings.HasPrefix(s.Rule, "FA-AS-") || strings.HasPrefix(s.Rule, "FA-OBS-") {
				skipped = append(skipped, s.Rule)
			}
		}
		if len(skipped) > 0 {
			row.NotJudged = strings.Join(skipped, ", ")
		}
		out = append(out, row)
	}
	return out
}
