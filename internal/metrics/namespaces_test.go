package metrics

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// bigCluster has n namespaces, each with a cost, a quota and PSS violations (namespace i costs
// and uses its quota in proportion to i; the last 50 have the most violations), one of them
// really named "other".
func bigCluster(n int) *Snapshot {
	c := &facts.Cluster{Name: "big", Usage: &facts.Usage{}, Cost: &facts.Cost{HourlyByCapacityType: map[string]float64{}, Unpriced: []string{}}}
	r := fleet.Result{Cluster: "big", Status: facts.StatusOK, CollectedAt: time.Unix(1_800_000_000, 0)}
	pss := []policy.Control{{Framework: "PSS", ID: "restricted/run-as-non-root"}}
	for i := range n {
		ns := fmt.Sprintf("ns-%05d", i)
		if i == n/2 {
			ns = OtherNamespace
		}
		c.Cost.Namespaces = append(c.Cost.Namespaces, facts.NamespaceCost{Name: ns, Hourly: float64(i) / 1000})
		c.Usage.Quotas = append(c.Usage.Quotas, facts.Quota{Namespace: ns, Name: "compute",
			Hard: map[string]int64{"requests.cpu": int64(n), "pods": 100}, Used: map[string]int64{"requests.cpu": int64(i), "pods": 1}})
		violations := i%2 + 1 // the 50 largest namespaces have 3
		if i >= n-50 {
			violations = 3
		}
		for range violations {
			r.Findings = append(r.Findings, policy.Finding{Cluster: "big", RuleID: "FA-WL-005", Kind: "deny", Severity: policy.SeverityMedium,
				Category: "workload", Resource: policy.ResourceRef{Kind: "Deployment", Namespace: ns, Name: "x"}, Controls: pss})
		}
	}
	return &Snapshot{Facts: map[string]*facts.Cluster{"big": c}, Audit: &fleet.Audit{Clusters: []fleet.Result{r}}, Finished: r.CollectedAt}
}

// family gathers one family's series as namespace → summed value, and its series count.
func family(t *testing.T, c *Collector, name string) (map[string]float64, int) {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			out[label(m, "namespace")] += m.GetGauge().GetValue()
		}
		return out, len(mf.GetMetric())
	}
	return out, 0
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

func sum(m map[string]float64) float64 {
	var s float64
	for _, v := range m {
		s += v
	}
	return s
}

// TestNamespaceSeriesBounded: with 5,000 namespaces, the families labelled by namespace keep
// the top N namespaces plus one "other" series per label set, so the series count stays
// bounded; sums over namespaces equal the unbounded sums; the kept namespaces are the largest;
// and the quota "other" series carries the fullest of the rest.
func TestNamespaceSeriesBounded(t *testing.T) {
	const n, top = 5000, 50
	unbounded := NewWith(Options{TopNamespaces: 0})
	unbounded.Update(bigCluster(n))
	bounded := NewWith(Options{TopNamespaces: top})
	bounded.Update(bigCluster(n))
	for _, c := range []struct {
		family         string
		unbounded, max int // series: every namespace; at most top + "other" per label set
	}{
		{"fleetaudit_namespace_cost_usd_per_hour", n, top + 1},
		{"fleetaudit_pss_violations", n, top + 1},
		{"fleetaudit_quota_utilization_ratio", 2 * n, 2*top + 2}, // two resources per quota
	} {
		all, allSeries := family(t, unbounded, c.family)
		got, series := family(t, bounded, c.family)
		t.Logf("%s: %d series unbounded, %d bounded to %d namespaces", c.family, allSeries, series, top)
		if allSeries != c.unbounded || series > c.max || series < top {
			t.Errorf("%s: %d series (unbounded %d), want at most %d", c.family, series, allSeries, c.max)
		}
		for ns := range got {
			if ns != OtherNamespace && got[ns] != all[ns] {
				t.Errorf("%s: kept namespace %s has %v, want %v", c.family, ns, got[ns], all[ns])
			}
		}
		if _, ok := got["ns-04999"]; !ok {
			t.Errorf("%s: the largest namespace ns-04999 lost its series", c.family)
		}
		if _, ok := got["ns-00001"]; ok {
			t.Errorf("%s: a small namespace kept its series", c.family)
		}
		if c.family == "fleetaudit_quota_utilization_ratio" {
			continue // a ratio: no sum to keep
		}
		if math.Abs(sum(got)-sum(all)) > 1e-9*sum(all) {
			t.Errorf("%s: sum over namespaces %v, unbounded %v", c.family, sum(got), sum(all))
		}
	}
	// The fullest quota beyond the top 50 is namespace 4949's, at 4949/5000 of requests.cpu.
	reg := prometheus.NewRegistry()
	reg.MustRegister(bounded)
	mfs, _ := reg.Gather()
	var other []string
	for _, mf := range mfs {
		if mf.GetName() == "fleetaudit_quota_utilization_ratio" {
			for _, m := range mf.GetMetric() {
				if label(m, "namespace") == OtherNamespace {
					other = append(other, fmt.Sprintf("%s %s %.4f", label(m, "quota"), label(m, "resource"), m.GetGauge().GetValue()))
				}
			}
		}
	}
	if fmt.Sprint(other) != "[other pods 0.0100 other requests.cpu 0.9898]" {
		t.Errorf("quota other series: %v", other)
	}
}

// TestFewNamespacesUnchanged: under the bound, no "other" series appears.
func TestFewNamespacesUnchanged(t *testing.T) {
	c := NewWith(Options{TopNamespaces: 50})
	c.Update(bigCluster(40))
	for _, f := range []string{"fleetaudit_namespace_cost_usd_per_hour", "fleetaudit_pss_violations", "fleetaudit_quota_utilization_ratio"} {
		got, _ := family(t, c, f)
		// bigCluster names namespace 20 "other" itself; it is folded alone, so sums still hold
		if len(got) != 40 {
			t.Errorf("%s: %d namespaces, want 40", f, len(got))
		}
	}
}
