package reports

import (
	"bytes"
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// PolicyReports renders wg-policy (wgpolicyk8s.io/v1alpha2) reports per cluster, for
// consumers such as Policy Reporter: a ClusterPolicyReport with every rule's result (pass,
// fail, warn) on cluster-scoped resources, and a PolicyReport per namespace with the results
// on namespaced resources. They are written to files, never into the audited clusters.
func PolicyReports(r *Report) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, c := range r.Clusters {
		var docs [][]byte
		clusterResults := []map[string]any{}
		namespaced := map[string][]map[string]any{}
		failed := map[string]bool{}
		for _, f := range c.Findings {
			kind, ns, name := resourceRef(f.Resource)
			if f.Kind == "deny" {
				failed[f.RuleID] = true
			}
			res := result(f, r, kind, ns, name)
			if ns != "" {
				namespaced[ns] = append(namespaced[ns], res)
			} else {
				clusterResults = append(clusterResults, res)
			}
		}
		if c.Status != facts.StatusFailed {
			for _, ru := range r.Rules {
				if !failed[ru.ID] {
					clusterResults = append(clusterResults, map[string]any{"policy": ru.ID, "rule": ru.Title, "category": ru.Category,
						"severity": ru.Severity, "result": "pass", "source": "fleetaudit", "timestamp": timestamp(r)})
				}
			}
		}
		docs = append(docs, policyReport("ClusterPolicyReport", "fleetaudit-"+facts.FileStem(c.Name), "", c.Name, clusterResults))
		for _, ns := range sortedKeys(namespaced) {
			docs = append(docs, policyReport("PolicyReport", "fleetaudit-"+facts.FileStem(c.Name), ns, c.Name, namespaced[ns]))
		}
		out["policyreports/"+facts.FileStem(c.Name)+".yaml"] = bytes.Join(docs, []byte("---\n"))
	}
	return out, nil
}

func timestamp(r *Report) map[string]any {
	return map[string]any{"seconds": r.GeneratedAt.Unix(), "nanos": 0}
}

func result(f policy.Finding, r *Report, kind, ns, name string) map[string]any {
	res := map[string]any{
		"policy": f.RuleID, "rule": f.Title, "category": f.Category, "severity": string(f.Severity),
		"result": map[string]string{"deny": "fail", "warn": "warn"}[f.Kind], "message": f.Message,
		"source": "fleetaudit", "timestamp": timestamp(r),
	}
	ref := map[string]any{"kind": kind, "name": name}
	if ns != "" {
		ref["namespace"] = ns
	}
	res["resources"] = []map[string]any{ref}
	props := map[string]string{}
	if cis, ok := f.Details["cis_id"].(string); ok {
		props["cis_id"] = cis
	}
	if f.Remediation != "" {
		props["remediation"] = f.Remediation
	}
	if len(props) > 0 {
		res["properties"] = props
	}
	return res
}

func policyReport(kind, name, ns, cluster string, results []map[string]any) []byte {
	summary := map[string]int{"pass": 0, "fail": 0, "warn": 0, "error": 0, "skip": 0}
	for _, r := range results {
		summary[r["result"].(string)]++
	}
	meta := map[string]any{"name": name, "labels": map[string]string{"app.kubernetes.io/managed-by": "fleetaudit", "fleetaudit.io/cluster": facts.FileStem(cluster)}}
	if ns != "" {
		meta["namespace"] = ns
	}
	doc := map[string]any{"apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": kind, "metadata": meta, "summary": summary, "results": results}
	b, err := yaml.Marshal(doc)
	if err != nil {
		return []byte(fmt.Sprintf("# error: %v\n", err))
	}
	return b
}

// resourceRef splits a finding's resource ("node/n1", "deployment/ns/name", "User/alice",
// "cluster") into kind, namespace and name.
func resourceRef(res string) (kind, ns, name string) {
	parts := strings.Split(res, "/")
	switch len(parts) {
	case 1:
		return "Cluster", "", parts[0]
	case 2:
		return title(parts[0]), "", parts[1]
	default:
		return title(parts[0]), parts[1], strings.Join(parts[2:], "/")
	}
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
