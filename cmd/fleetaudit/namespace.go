package main

import (
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/reports"
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
		r.Findings = inNamespace(r.Findings, ns)
		out.Clusters[i] = r
	}
	return out
}

// filterReportNamespace is filterNamespace for a report read from a file (a baseline, so that
// findings outside the namespace do not count as resolved).
func filterReportNamespace(r *reports.Report, ns string) *reports.Report {
	if ns == "" {
		return r
	}
	out := *r
	out.Clusters = make([]reports.ClusterReport, len(r.Clusters))
	for i, c := range r.Clusters {
		c.Findings = inNamespace(c.Findings, ns)
		out.Clusters[i] = c
	}
	return &out
}

// inNamespace is the findings about objects in namespace ns.
func inNamespace(fs []policy.Finding, ns string) []policy.Finding {
	kept := []policy.Finding{}
	for _, f := range fs {
		if findingInNamespace(f, ns) {
			kept = append(kept, f)
		}
	}
	return kept
}

// expiringInNamespace keeps the next-expiring certificates held by objects in ns (all when
// ns is empty).
func expiringInNamespace(certs []reports.ExpiringCertificate, ns string) []reports.ExpiringCertificate {
	if ns == "" {
		return certs
	}
	var out []reports.ExpiringCertificate
	for _, c := range certs {
		if c.Resource.NamespaceScope() == ns {
			out = append(out, c)
		}
	}
	return out
}
