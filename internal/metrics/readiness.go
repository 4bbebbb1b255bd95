package metrics

import (
	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// scrapeSignals are the observability signals judged from Prometheus (FA-OBS-002).
var scrapeSignals = []string{"kubelet_scrape", "apiserver_scrape", "ksm_scrape"}

// readiness adds the autoscaling and observability samples of one cluster: HPAs unable to
// scale now, and per observability signal whether the cluster has it. A signal has a series
// only where its facts were collected (the scrape signals only when a Prometheus was
// queried); it is 0 when a deny finding of an observability rule names it (details.signal),
// so the metric agrees with the rules and their parameters.
func (b *builder) readiness(cluster string, r fleet.Result, c *facts.Cluster) {
	if a := c.Autoscaling; a != nil {
		n := 0
		for _, h := range a.HPAs {
			for _, cond := range h.Conditions {
				if (cond.Type == "AbleToScale" || cond.Type == "ScalingActive") && cond.Status == "False" {
					n++
					break
				}
			}
		}
		b.add("fleetaudit_hpa_unable_to_scale", float64(n), cluster)
	}
	o := c.Observability
	if o == nil {
		return
	}
	missing := map[string]bool{}
	for _, f := range r.Findings {
		if s, ok := f.Details["signal"].(string); ok && f.Category == policy.CategoryObservability && f.Kind == "deny" {
			missing[s] = true
		}
	}
	signal := func(s string) { b.add("fleetaudit_observability_coverage", boolValue(!missing[s]), cluster, s) }
	if o.MetricsAPI != nil {
		signal("metrics_api")
	}
	if o.Prometheus != nil {
		for _, s := range scrapeSignals {
			signal(s)
		}
	}
	if o.DaemonSets != nil {
		signal("log_agent")
	}
}
