package main

import (
	"strings"

	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// findingInNamespace reports whether f is about an object in namespace ns. It is the only
// place that reads the namespace out of a finding, so the switch from the resource string
// to a typed field stays here.
//
// Today f.Resource is "kind/namespace/name" for namespaced objects ("deployment/ci/runner",
// "ServiceAccount/ci/pipeline") and "kind/name" for cluster-scoped ones ("node/n1",
// "User/alice", "ClusterRole/admin"), or "cluster". Two forms are special: a finding about
// a Namespace object itself ("namespace/ci": no quota, no LimitRange) belongs to that
// namespace, and "api/GROUP/VERSION/RESOURCE" (a removed API in use) is cluster-wide.
func findingInNamespace(f policy.Finding, ns string) bool {
	parts := strings.Split(f.Resource, "/")
	switch {
	case len(parts) == 2 && strings.EqualFold(parts[0], "namespace"):
		return parts[1] == ns
	case parts[0] == "api" || len(parts) < 3:
		return false
	}
	return parts[1] == ns
}

// filterNamespace returns a copy of the audit with only the findings in namespace ns (all
// of them when ns is empty). Statuses and compliance scores are the clusters', unchanged.
func filterNamespace(a *fleet.Audit, ns string) *fleet.Audit {
	if ns == "" {
		return a
	}
	out := &fleet.Audit{GeneratedAt: a.GeneratedAt, Clusters: make([]fleet.Result, len(a.Clusters))}
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
