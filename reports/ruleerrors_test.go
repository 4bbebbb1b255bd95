package reports

import (
	"strings"
	"testing"
	"time"

	orv1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	"sigs.k8s.io/yaml"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// TestRuleErrorsAreNeverPasses: a rule that ran out of time on a cluster is an error in JUnit
// and in PolicyReports, not a passed check; the cluster's other rules report as usual.
func TestRuleErrorsAreNeverPasses(t *testing.T) {
	msg := "rule LOOP-1 (loop.rego:9) did not finish within 1s on cluster slow; raise --eval-timeout or fix the rule"
	a := &fleet.Audit{Clusters: []fleet.Result{{Cluster: "slow", Status: facts.StatusPartial, Problem: "rules: " + msg,
		Findings:   []policy.Finding{},
		RuleErrors: []policy.RuleError{{Rule: "LOOP-1", File: "loop.rego:9", Cluster: "slow", Reason: policy.ReasonTimeout, Message: msg}}}}}
	rules := []*policy.Rule{{ID: "GOOD-1", Title: "Good", Category: "compliance", Severity: "high"},
		{ID: "LOOP-1", Title: "Loop", Category: "compliance", Severity: "high"}}
	r := Build(a, rules, nil, nil, "", time.Date(2026, 11, 20, 6, 30, 0, 0, time.UTC))
	if r.Summary.Incomplete != 1 || len(r.Clusters[0].RuleErrors) != 1 {
		t.Fatalf("summary %+v, cluster %+v", r.Summary, r.Clusters[0])
	}
	var junit strings.Builder
	if err := JUnit(&junit, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(junit.String(), `<testsuite name="slow" tests="2" failures="0" errors="1"`) ||
		!strings.Contains(junit.String(), `<error message="rule could not be evaluated" type="timeout">`+msg) {
		t.Errorf("JUnit lacks the rule's error:\n%s", junit.String())
	}
	files, err := Render(r, "policyreport")
	if err != nil {
		t.Fatal(err)
	}
	var doc orv1.Report // the wg-policy document is this shape without source
	if err := yaml.Unmarshal(files["policyreports/slow.yaml"], &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, res := range doc.Results {
		got[res.Policy] = string(res.Result) + " " + res.Description
	}
	if got["LOOP-1"] != "error "+msg || got["GOOD-1"] != "pass " || doc.Summary.Error != 1 || doc.Summary.Pass != 1 {
		t.Errorf("PolicyReport of slow: %q, summary %+v", got, doc.Summary)
	}
}

// TestRulesOfFailedCollectorsAreSkipped: on a partial cluster whose rbac collector failed, the
// rules that read rbac (and rules that declare no reads) are "skip" with the reason in
// PolicyReports, never "pass"; rules whose facts were collected pass, and a rule with a
// finding still fails.
func TestRulesOfFailedCollectorsAreSkipped(t *testing.T) {
	a := &fleet.Audit{Clusters: []fleet.Result{{Cluster: "east", Status: facts.StatusPartial, Problem: "rbac: forbidden",
		Collection: []facts.CollectorRun{{Collector: "cluster"}, {Collector: "rbac", Error: "list clusterroles: forbidden", Reason: "forbidden"}, {Collector: "cost"}},
		Findings:   []policy.Finding{{Cluster: "east", RuleID: "RBAC-2", Kind: "deny", Severity: "high", Resource: policy.ResourceRef{Kind: "Cluster", Name: "east"}}}}}}
	rules := []*policy.Rule{
		{ID: "RBAC-1", Title: "reads rbac", Category: "compliance", Severity: "high", Reads: []string{"rbac"}},
		{ID: "RBAC-2", Title: "reads rbac, found something", Category: "compliance", Severity: "high", Reads: []string{"rbac.roles"}},
		{ID: "COST-1", Title: "reads cost", Category: "cost", Severity: "low", Reads: []string{"cost", "nodes"}},
		{ID: "ANY-1", Title: "reads everything", Category: "compliance", Severity: "low"},
		// No workloads collector ran (a snapshot older than it): its rules are not judged either.
		{ID: "WL-1", Title: "reads workloads", Category: "workload", Severity: "high", Reads: []string{"workloads"}},
	}
	r := Build(a, rules, nil, nil, "", time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC))
	files, err := Render(r, "openreports")
	if err != nil {
		t.Fatal(err)
	}
	var doc orv1.ClusterReport
	if err := yaml.Unmarshal(files["openreports/east.yaml"], &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, res := range doc.Results {
		got[res.Policy] = string(res.Result) + " " + res.Description
	}
	skip := "skip not judged: the rbac collector failed (list clusterroles: forbidden)"
	if got["RBAC-1"] != skip || got["ANY-1"] != skip || got["COST-1"] != "pass " || !strings.HasPrefix(got["RBAC-2"], "fail") ||
		got["WL-1"] != "skip not judged: the workloads collector did not run on this cluster" || doc.Summary.Skip != 3 || doc.Summary.Pass != 1 {
		t.Errorf("results %q, summary %+v", got, doc.Summary)
	}
}
