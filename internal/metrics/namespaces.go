package metrics

import (
	"cmp"
	"maps"
	"slices"

	"github.com/fleetaudit/fleetaudit/internal/facts"
)

// DefaultTopNamespaces is how many namespaces per cluster keep their own series in the
// families labelled by namespace, unless Options say otherwise.
const DefaultTopNamespaces = 50

// OtherNamespace is the namespace label of the one series per cluster (and other labels)
// that carries the namespaces beyond the top N: the sum of their values, so that sums over
// namespaces stay exact (for quota utilization, a ratio, their highest value). A namespace
// really named "other" always goes into it, so that no two series share their labels.
const OtherNamespace = "other"

// Options tune the collector.
type Options struct {
	// TopNamespaces bounds the series labelled by namespace to this many namespaces per
	// cluster (the largest by cost, violations or quota use) plus one namespace="other"
	// series; 0 or less keeps every namespace.
	TopNamespaces int
	// Shard labels the fleet-wide series of a sharded serve replica ("I/N"; "" unsharded):
	// one value per process, so the label adds no series.
	Shard string
}

// topNamespaces returns the namespaces that keep their own series: the n with the largest
// weight (ties by name, for stable series between audits), never OtherNamespace; all of
// them when n <= 0.
func topNamespaces(weights map[string]float64, n int) map[string]bool {
	names := slices.DeleteFunc(slices.Collect(maps.Keys(weights)), func(ns string) bool { return ns == OtherNamespace })
	if n > 0 && len(names) > n {
		slices.SortFunc(names, func(a, b string) int {
			return cmp.Or(cmp.Compare(weights[b], weights[a]), cmp.Compare(a, b))
		})
		names = names[:n]
	}
	keep := make(map[string]bool, len(names))
	for _, ns := range names {
		keep[ns] = true
	}
	return keep
}

// namespaceCost adds fleetaudit_namespace_cost_usd_per_hour for the top namespaces by cost
// and one "other" series with the cost of the rest.
func (b *builder) namespaceCost(cluster string, nss []facts.NamespaceCost) {
	cost := make(map[string]float64, len(nss))
	for _, ns := range nss {
		cost[ns.Name] += ns.Hourly
	}
	keep := topNamespaces(cost, b.topNamespaces)
	var other float64
	var folded bool
	for _, ns := range nss {
		if keep[ns.Name] {
			b.add("fleetaudit_namespace_cost_usd_per_hour", ns.Hourly, cluster, ns.Name)
			continue
		}
		other, folded = other+ns.Hourly, true
	}
	if folded {
		b.add("fleetaudit_namespace_cost_usd_per_hour", other, cluster, OtherNamespace)
	}
}

// quotas adds fleetaudit_quota_utilization_ratio for every quota of the namespaces whose
// fullest quota is fullest, and per resource one namespace="other", quota="other" series
// with the highest utilization among the rest (a ratio: summing it would mean nothing, its
// maximum still trips the nearly-full alert).
func (b *builder) quotas(cluster string, qs []facts.Quota) {
	fullest := map[string]float64{}
	for _, q := range qs {
		fullest[q.Namespace] = max(fullest[q.Namespace], 0)
		for res, hard := range q.Hard {
			if hard > 0 {
				fullest[q.Namespace] = max(fullest[q.Namespace], float64(q.Used[res])/float64(hard))
			}
		}
	}
	keep := topNamespaces(fullest, b.topNamespaces)
	other := map[string]float64{}
	for _, q := range qs {
		for _, res := range slices.Sorted(maps.Keys(q.Hard)) {
			hard := q.Hard[res]
			if hard <= 0 {
				continue
			}
			ratio := float64(q.Used[res]) / float64(hard)
			if keep[q.Namespace] {
				b.add("fleetaudit_quota_utilization_ratio", ratio, cluster, q.Namespace, q.Name, res)
			} else if r, ok := other[res]; !ok || ratio > r {
				other[res] = ratio
			}
		}
	}
	for _, res := range slices.Sorted(maps.Keys(other)) {
		b.add("fleetaudit_quota_utilization_ratio", other[res], cluster, OtherNamespace, OtherNamespace, res)
	}
}
