package collectors

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/prometheus/client_golang/api"
	promv1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
	appsv1 "k8s.io/api/apps/v1"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// Observability collects whether the cluster is measured: the state of the metrics.k8s.io
// APIService, how many nodes are schedulable, and every DaemonSet in a compact form (name,
// app label, desired and ready counts), among which the rules look for log and event agents.
type Observability struct{}

// Name implements Collector.
func (Observability) Name() string { return "observability" }

// Writes implements Writer.
func (Observability) Writes() []string {
	return []string{"observability.metricsAPI", "observability.schedulableNodes", "observability.daemonSets"}
}

// Needs implements Needer. The DaemonSets are shared with the workloads collector.
func (Observability) Needs() []string { return []string{"daemonsets"} }

// MetricsAPIService is the APIService that serves metrics.k8s.io.
const MetricsAPIService = "v1beta1.metrics.k8s.io"

// Collect implements Collector. The nodes are the identity collector's (c.Nodes).
func (Observability) Collect(ctx context.Context, t Target, c *facts.Cluster) error {
	var dss []*appsv1.DaemonSet
	if err := each(ctx, t, "daemonsets", func(x *appsv1.DaemonSet) { dss = append(dss, x) }); err != nil {
		return err
	}
	raw, err := t.Client.Discovery().RESTClient().Get().AbsPath("/apis/apiregistration.k8s.io/v1/apiservices").
		Param("fieldSelector", "metadata.name="+MetricsAPIService).DoRaw(ctx)
	if err != nil {
		return fmt.Errorf("list apiservices: %w", err)
	}
	api, err := MetricsAPIFacts(raw)
	if err != nil {
		return err
	}
	o := c.Observability
	if o == nil {
		o = &facts.Observability{}
	}
	o.MetricsAPI = api
	n := SchedulableNodes(c.Nodes)
	o.SchedulableNodes = &n
	o.DaemonSets = DaemonSetFacts(dss)
	c.Observability = o
	return nil
}

// MetricsAPIFacts reads the metrics APIService from an APIServiceList (apiregistration.k8s.io/v1)
// selected by name: not registered when the list is empty.
func MetricsAPIFacts(list []byte) (*facts.APIService, error) {
	var l struct {
		Items []struct {
			Metadata struct {
				Name string `json:"name"`
			} `json:"metadata"`
			Spec struct {
				Service *struct {
					Namespace string `json:"namespace"`
					Name      string `json:"name"`
				} `json:"service"`
			} `json:"spec"`
			Status struct {
				Conditions []struct {
					Type    string `json:"type"`
					Status  string `json:"status"`
					Reason  string `json:"reason"`
					Message string `json:"message"`
				} `json:"conditions"`
			} `json:"status"`
		} `json:"items"`
	}
	if err := json.Unmarshal(list, &l); err != nil {
		return nil, fmt.Errorf("decode APIServiceList: %w", err)
	}
	out := &facts.APIService{Name: MetricsAPIService}
	for _, a := range l.Items {
		if a.Metadata.Name != MetricsAPIService {
			continue
		}
		out.Registered, out.Available = true, "Unknown"
		if s := a.Spec.Service; s != nil {
			out.Service = s.Namespace + "/" + s.Name
		}
		for _, c := range a.Status.Conditions {
			if c.Type == "Available" {
				out.Available, out.Reason, out.Message = c.Status, c.Reason, c.Message
			}
		}
	}
	return out, nil
}

// SchedulableNodes counts the nodes that are not cordoned.
func SchedulableNodes(nodes []facts.Node) int {
	n := 0
	for _, x := range nodes {
		if !x.Unschedulable {
			n++
		}
	}
	return n
}

// DaemonSetFacts converts DaemonSets, sorted by namespace and name.
func DaemonSetFacts(dss []*appsv1.DaemonSet) []facts.DaemonSet {
	out := make([]facts.DaemonSet, 0, len(dss))
	for _, d := range dss {
		app := cmp.Or(d.Labels["app.kubernetes.io/name"], d.Labels["app"], d.Labels["k8s-app"])
		out = append(out, facts.DaemonSet{Namespace: d.Namespace, Name: d.Name, AppName: app,
			Desired: d.Status.DesiredNumberScheduled, Ready: d.Status.NumberReady})
	}
	slices.SortFunc(out, func(a, b facts.DaemonSet) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// Scrapes reads, from the cluster's Prometheus (--prometheus-url, the cluster's series picked
// by --prometheus-cluster-label), how many targets of each scrape job are up. It is
// registered only when a Prometheus is configured, so without one the rules that read
// observability.prometheus are reported as not judged.
type Scrapes struct{ Config UsageConfig }

// Name implements Collector.
func (Scrapes) Name() string { return "scrapes" }

// Writes implements Writer.
func (Scrapes) Writes() []string { return []string{"observability.prometheus"} }

// Applies implements Applier: only clusters with a Prometheus (--prometheus-url).
func (s Scrapes) Applies(cluster string) bool { return s.Config.prometheusFor(cluster) != "" }

// Collect implements Collector. A cluster without a Prometheus of its own (and no "*" one)
// keeps observability.prometheus absent.
func (s Scrapes) Collect(ctx context.Context, t Target, c *facts.Cluster) error {
	url := s.Config.prometheusFor(c.Name)
	if url == "" {
		return nil
	}
	sc, err := PrometheusScrapes(ctx, url, s.Config.ClusterLabel, c.Name)
	if err != nil {
		return err
	}
	if c.Observability == nil {
		c.Observability = &facts.Observability{}
	}
	c.Observability.Prometheus = sc
	return nil
}

// PrometheusScrapes counts, per job, the up series and those equal to 1 at the current time.
// With clusterLabel set, only series with clusterLabel="cluster" count.
func PrometheusScrapes(ctx context.Context, url, clusterLabel, cluster string) (*facts.Scrapes, error) {
	client, err := api.NewClient(api.Config{Address: url})
	if err != nil {
		return nil, fmt.Errorf("prometheus client for %s: %w", url, err)
	}
	q := promv1.NewAPI(client)
	sel := ""
	if clusterLabel != "" {
		sel = fmt.Sprintf("%s=%q", clusterLabel, cluster)
	}
	out := &facts.Scrapes{Selector: sel, Jobs: []facts.ScrapeJob{}}
	jobs := map[string]*facts.ScrapeJob{}
	now := time.Now()
	for i, query := range []string{fmt.Sprintf("count by (job) (up{%s})", sel), fmt.Sprintf("count by (job) (up{%s} == 1)", sel)} {
		val, _, _, err := q.Query(ctx, query, now)
		if err != nil {
			return nil, fmt.Errorf("query prometheus %s: %w", url, err)
		}
		vec, ok := val.(model.Vector)
		if !ok {
			return nil, fmt.Errorf("query prometheus %s: want a vector, got %s", url, val.Type())
		}
		for _, smp := range vec {
			name := string(smp.Metric["job"])
			j := jobs[name]
			if j == nil {
				j = &facts.ScrapeJob{Job: name}
				jobs[name] = j
			}
			if i == 0 {
				j.Targets = int(smp.Value)
			} else {
				j.Up = int(smp.Value)
			}
		}
	}
	for _, j := range jobs {
		out.Jobs = append(out.Jobs, *j)
	}
	slices.SortFunc(out.Jobs, func(a, b facts.ScrapeJob) int { return cmp.Compare(a.Job, b.Job) })
	return out, nil
}
