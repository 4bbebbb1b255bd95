package main

import (
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// findingInNamespace reports whether f is about an object in namespace ns: a namespaced
// object of ns, or the Namespace ns itself (no quota, no LimitRange).
func findingInNamespace(f policy.Finding, ns string) bool {
	return f.Resource.NamespaceScope() == ns
}

// filterNamespace returns a copy of the audit with only the findings in namespace ns (all
// of them when ns is empty). Statuses and compliance scores are the clusters', unchanged.
func filterNamespace(a *fleet.Audit, ns string) *fleet.Audit {
	if ns == "" {
		return a
	}
	out := &fleet.Audit{GeneratedAt: a.GeneratedAt, Clusters: make([]fleet.Result, len(a.Clusters)), Waivers: a.Waivers}
	for i, r := range a.Clusters {
		kept := []policy.Finding{}
		for _, f := range r.Findings {
			if findingInNamespace(f, ns) {
				kept = append(kept, f)
			}
		}
		r.Findings = kept
		out.Clusters[i] = r
	}
	return out
}
