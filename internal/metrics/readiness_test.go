package metrics

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// One HPA unable to scale (a healthy one and one merely limited are not counted); coverage
// is 0 for the signals a deny finding names, 1 for the rest, and only the signals whose facts
// were collected have series (no Prometheus on "edge": no scrape signals there).
func TestReadinessSeries(t *testing.T) {
	cond := func(typ, status string) facts.TimedCondition { return facts.TimedCondition{Type: typ, Status: status} }
	ok := facts.APIService{Name: "v1beta1.metrics.k8s.io", Registered: true, Available: "True"}
	prod := &facts.Cluster{Name: "prod",
		Autoscaling: &facts.Autoscaling{HPAs: []facts.HPA{
			{Name: "stuck", Conditions: []facts.TimedCondition{cond("AbleToScale", "True"), cond("ScalingActive", "False")}},
			{Name: "fine", Conditions: []facts.TimedCondition{cond("AbleToScale", "True"), cond("ScalingActive", "True")}},
			{Name: "capped", Conditions: []facts.TimedCondition{cond("ScalingActive", "True"), cond("ScalingLimited", "False")}},
		}},
		Observability: &facts.Observability{MetricsAPI: &ok, DaemonSets: []facts.DaemonSet{},
			Prometheus: &facts.Scrapes{Jobs: []facts.ScrapeJob{{Job: "kubelet", Targets: 3, Up: 2}}}},
	}
	edge := &facts.Cluster{Name: "edge", Observability: &facts.Observability{MetricsAPI: &ok, DaemonSets: []facts.DaemonSet{}}}
	finding := func(kind, signal string) policy.Finding {
		return policy.Finding{RuleID: "FA-OBS-00x", Category: policy.CategoryObservability, Severity: "medium", Kind: kind,
			Resource: policy.ResourceRef{Kind: "Cluster", Name: "prod"}, Details: map[string]any{"signal": signal}}
	}
	a := &fleet.Audit{Clusters: []fleet.Result{
		{Cluster: "edge", Status: facts.StatusOK, Findings: []policy.Finding{finding("deny", "log_agent")}},
		{Cluster: "prod", Status: facts.StatusOK, Findings: []policy.Finding{finding("deny", "ksm_scrape"), finding("deny", "apiserver_scrape"),
			finding("warn", "kubelet_scrape")}},
	}}
	c := New()
	c.Update(&Snapshot{Facts: map[string]*facts.Cluster{"prod": prod, "edge": edge}, Audit: a, Finished: time.Unix(0, 0)})
	const want = `
# HELP fleetaudit_hpa_unable_to_scale HorizontalPodAutoscalers whose AbleToScale or ScalingActive condition is False at collection, whatever its age (FA-AS-002 reports those past autoscaling.unable_grace).
# TYPE fleetaudit_hpa_unable_to_scale gauge
fleetaudit_hpa_unable_to_scale{cluster="prod"} 1
# HELP fleetaudit_observability_coverage Whether the cluster has an observability signal (1) or a deny finding of an observability rule says it lacks it (0): metrics_api, log_agent, and kubelet_scrape, apiserver_scrape, ksm_scrape when a Prometheus was queried.
# TYPE fleetaudit_observability_coverage gauge
fleetaudit_observability_coverage{cluster="edge",signal="log_agent"} 0
fleetaudit_observability_coverage{cluster="edge",signal="metrics_api"} 1
fleetaudit_observability_coverage{cluster="prod",signal="apiserver_scrape"} 0
fleetaudit_observability_coverage{cluster="prod",signal="ksm_scrape"} 0
fleetaudit_observability_coverage{cluster="prod",signal="kubelet_scrape"} 1
fleetaudit_observability_coverage{cluster="prod",signal="log_agent"} 1
fleetaudit_observability_coverage{cluster="prod",signal="metrics_api"} 1
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "fleetaudit_hpa_unable_to_scale", "fleetaudit_observability_coverage"); err != nil {
		t.Error(err)
	}
}
