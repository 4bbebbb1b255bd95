package metrics

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/fleetaudit/fleetaudit/internal/binding"
	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

var update = flag.Bool("update", false, "rewrite docs/metrics.md from the Families table")

func snapshot() *Snapshot {
	v, _ := facts.ParseVersion("v1.34.2-eks-1")
	hourly := 0.096
	c := &facts.Cluster{Name: "prod", Version: v,
		Nodes: []facts.Node{{Name: "n1", Allocatable: facts.Resources{CPUMillis: 1900, MemoryBytes: 7 << 30}}},
		Usage: &facts.Usage{Requests: facts.Resources{CPUMillis: 1500, MemoryBytes: 2 << 30},
			Quotas: []facts.Quota{{Namespace: "web", Name: "q", Hard: map[string]int64{"requests.cpu": 2000}, Used: map[string]int64{"requests.cpu": 1800}}}},
		Cost: &facts.Cost{Nodes: []facts.NodeCost{{Name: "n1", CapacityType: "on-demand", InstanceType: "m5.large", Hourly: &hourly}},
			HourlyByCapacityType: map[string]float64{"on-demand": 0.096}, Namespaces: []facts.NamespaceCost{{Name: "web", Hourly: 0.03}},
			IdleHourly: 0.066, Unpriced: []string{}},
		CIS: &facts.CIS{Benchmark: "eks-1.8.0", Nodes: []facts.CISNode{{Node: "n1", Checks: []facts.CISCheck{{ID: "3.1.1", Status: "PASS"}, {ID: "3.2.4", Status: "FAIL"}}}}},
	}
	at := time.Unix(1_800_000_000, 0).UTC()
	return &Snapshot{
		Facts: map[string]*facts.Cluster{"prod": c},
		Audit: &fleet.Audit{Clusters: []fleet.Result{{Cluster: "prod", Status: facts.StatusOK, Version: v.GitVersion, CollectedAt: at,
			Collection: []facts.CollectorRun{{Collector: "cluster", DurationSeconds: 0.5}, {Collector: "cis", Error: "x", Reason: "forbidden", DurationSeconds: 0.25}},
			RuleErrors: []policy.RuleError{{Rule: "LOOP-1", Cluster: "prod", Reason: policy.ReasonTimeout}},
			Scores:     map[string]policy.Score{"rbac": {Passed: 18, Evaluated: 20, Ratio: 0.9}},
			Findings: []policy.Finding{
				{RuleID: "FA-RBAC-001", Category: "compliance", Framework: "rbac", Severity: "critical", Kind: "deny", Resource: policy.ResourceRef{Kind: "User", Name: "a"}},
				{RuleID: "FA-RBAC-001", Category: "compliance", Framework: "rbac", Severity: "critical", Kind: "deny", Resource: policy.ResourceRef{Kind: "User", Name: "b"}},
				{RuleID: "FA-COST-003", Category: "cost", Severity: "medium", Kind: "warn", Resource: policy.ResourceRef{Kind: "Cluster", Name: "prod"}},
				// Waived: counted apart, in no other family.
				{RuleID: "FA-RBAC-001", Category: "compliance", Framework: "rbac", Severity: "critical", Kind: "deny", Resource: policy.ResourceRef{Kind: "User", Name: "c"},
					Waiver: &policy.Waiver{Owner: "o", Reason: "r", Expires: "2099-01-01", Source: "w.yaml:4"}},
			},
			Profile: &binding.State{Profile: "std", HeldTo: "std@1.0.0", Runs: "std@1.0.0", Newest: "std@1.1.0", UpdateAvailable: true}}}},
		Finished: at.Add(time.Minute), Duration: 1500 * time.Millisecond,
		Decisions: []policy.Decision{{Cluster: "prod", Profile: "std@1.0.0", Target: "v1.35.0", Allowed: false,
			Blocking: []policy.Finding{{RuleID: "FA-UPG-005"}, {RuleID: "FA-UPG-005"}},
			Safety:   []policy.SafetyViolation{{Check: policy.SafetyMinorJump, Message: "v1.33.5 to v1.35.0"}}}},
	}
}

func TestExpositionText(t *testing.T) {
	c := New()
	c.Update(snapshot())
	const want = `
# HELP fleetaudit_findings Open findings (deny and warn, not waived) of the last audit by category and severity.
# TYPE fleetaudit_findings gauge
fleetaudit_findings{category="compliance",cluster="prod",severity="critical"} 2
fleetaudit_findings{category="cost",cluster="prod",severity="medium"} 1
# HELP fleetaudit_rule_violations Open deny findings (not waived) of the last audit per rule.
# TYPE fleetaudit_rule_violations gauge
fleetaudit_rule_violations{category="compliance",cluster="prod",rule="FA-RBAC-001",severity="critical"} 2
# HELP fleetaudit_waived_findings Findings of the last audit that a waiver (--waivers) accepts, per rule.
# TYPE fleetaudit_waived_findings gauge
fleetaudit_waived_findings{cluster="prod",rule="FA-RBAC-001",severity="critical"} 1
# HELP fleetaudit_rbac_risky_subjects Subjects (users, groups, service accounts) with a deny finding of an RBAC risk rule.
# TYPE fleetaudit_rbac_risky_subjects gauge
fleetaudit_rbac_risky_subjects{cluster="prod",risk="FA-RBAC-001",severity="critical"} 2
# HELP fleetaudit_compliance_score_ratio Compliance score per framework: passed / evaluated controls (rbac rules, cis scored checks).
# TYPE fleetaudit_compliance_score_ratio gauge
fleetaudit_compliance_score_ratio{cluster="prod",framework="rbac"} 0.9
# HELP fleetaudit_cis_checks kube-bench checks by status (PASS, FAIL, WARN, INFO).
# TYPE fleetaudit_cis_checks gauge
fleetaudit_cis_checks{benchmark="eks-1.8.0",cluster="prod",status="FAIL"} 1
fleetaudit_cis_checks{benchmark="eks-1.8.0",cluster="prod",status="PASS"} 1
# HELP fleetaudit_cluster_info Cluster metadata (value 1): Kubernetes version, managed platform and audit status.
# TYPE fleetaudit_cluster_info gauge
fleetaudit_cluster_info{cluster="prod",platform="eks",status="ok",version="v1.34.2-eks-1"} 1
# HELP fleetaudit_profile_info The cluster's place in the profile catalog (value 1): bound profile, the version it is held to and the version it is seen to run (empty: drifted from every version).
# TYPE fleetaudit_profile_info gauge
fleetaudit_profile_info{cluster="prod",held_to="std@1.0.0",profile="std",runs="std@1.0.0"} 1
# HELP fleetaudit_profile_update_available 1 when the catalog has a newer version of the cluster's bound profile than the one it is held to, else 0.
# TYPE fleetaudit_profile_update_available gauge
fleetaudit_profile_update_available{cluster="prod",newest="std@1.1.0",profile="std"} 1
# HELP fleetaudit_collector_up Whether the collector succeeded on the cluster in the last audit (1) or not (0).
# TYPE fleetaudit_collector_up gauge
fleetaudit_collector_up{cluster="prod",collector="cis"} 0
fleetaudit_collector_up{cluster="prod",collector="cluster"} 1
# HELP fleetaudit_rule_errors Rules that could not be evaluated on the cluster in the last audit (1 each), by reason: timeout (--eval-timeout), not-evaluated, cancelled or error.
# TYPE fleetaudit_rule_errors gauge
fleetaudit_rule_errors{cluster="prod",reason="timeout",rule="LOOP-1"} 1
# HELP fleetaudit_quota_utilization_ratio ResourceQuota use: used / hard per quota and resource, for the namespaces with the fullest quotas; namespace="other" (quota "other") is the highest use among the rest.
# TYPE fleetaudit_quota_utilization_ratio gauge
fleetaudit_quota_utilization_ratio{cluster="prod",namespace="web",quota="q",resource="requests.cpu"} 0.9
# HELP fleetaudit_resource_requests Requests of Running and Pending pods by resource (cpu in cores, memory in bytes).
# TYPE fleetaudit_resource_requests gauge
fleetaudit_resource_requests{cluster="prod",resource="cpu",unit="core"} 1.5
fleetaudit_resource_requests{cluster="prod",resource="memory",unit="byte"} 2.147483648e+09
# HELP fleetaudit_nodes Nodes by capacity type (spot, on-demand, reserved, unknown) and instance type.
# TYPE fleetaudit_nodes gauge
fleetaudit_nodes{capacity_type="on-demand",cluster="prod",instance_type="m5.large"} 1
# HELP fleetaudit_cost_usd_per_hour Hourly cost of priced nodes by capacity type, in USD.
# TYPE fleetaudit_cost_usd_per_hour gauge
fleetaudit_cost_usd_per_hour{capacity_type="on-demand",cluster="prod"} 0.096
# HELP fleetaudit_upgrade_ready Gate decision for the cluster and profile: 1 ready, 0 not ready.
# TYPE fleetaudit_upgrade_ready gauge
fleetaudit_upgrade_ready{cluster="prod",profile="std@1.0.0",target_version="v1.35.0"} 0
# HELP fleetaudit_upgrade_blockers What blocks the gate per cluster, profile and rule: a rule ID (its blocking findings), non-waivable:CHECK, or facts (missing or stale).
# TYPE fleetaudit_upgrade_blockers gauge
fleetaudit_upgrade_blockers{cluster="prod",profile="std@1.0.0",rule="FA-UPG-005"} 2
fleetaudit_upgrade_blockers{cluster="prod",profile="std@1.0.0",rule="non-waivable:minor-jump"} 1
# HELP fleetaudit_cluster_last_success_timestamp_seconds Unix time of the last audit in which the cluster was fully audited.
# TYPE fleetaudit_cluster_last_success_timestamp_seconds gauge
fleetaudit_cluster_last_success_timestamp_seconds{cluster="prod"} 1.8e+09
# HELP fleetaudit_audit_duration_seconds Duration of the last fleet audit (fleet-wide: no cluster label). shard is the part of the fleet the serve replica audits (I/N, --shard), empty when it audits all of it.
# TYPE fleetaudit_audit_duration_seconds gauge
fleetaudit_audit_duration_seconds{shard=""} 1.5
`
	names := []string{"fleetaudit_findings", "fleetaudit_rule_violations", "fleetaudit_waived_findings", "fleetaudit_rbac_risky_subjects", "fleetaudit_compliance_score_ratio",
		"fleetaudit_cis_checks", "fleetaudit_cluster_info", "fleetaudit_profile_info", "fleetaudit_profile_update_available", "fleetaudit_collector_up", "fleetaudit_rule_errors", "fleetaudit_quota_utilization_ratio",
		"fleetaudit_resource_requests", "fleetaudit_nodes", "fleetaudit_cost_usd_per_hour", "fleetaudit_upgrade_ready",
		"fleetaudit_upgrade_blockers", "fleetaudit_cluster_last_success_timestamp_seconds", "fleetaudit_audit_duration_seconds"}
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), names...); err != nil {
		t.Error(err)
	}
}

// TestNoStaleSeries: a cluster (and its findings) missing from the next audit disappears from
// the metrics, except its last-success time, which is what staleness alerts need.
func TestNoStaleSeries(t *testing.T) {
	c := New()
	c.Update(snapshot())
	if n := testutil.CollectAndCount(c, "fleetaudit_findings"); n != 2 {
		t.Fatalf("findings series: %d", n)
	}
	empty := &Snapshot{Facts: map[string]*facts.Cluster{}, Audit: &fleet.Audit{}, Finished: time.Now()}
	c.Update(empty)
	for _, name := range []string{"fleetaudit_findings", "fleetaudit_cluster_info", "fleetaudit_cost_usd_per_hour", "fleetaudit_upgrade_ready"} {
		if n := testutil.CollectAndCount(c, name); n != 0 {
			t.Errorf("%s: %d stale series", name, n)
		}
	}
	if n := testutil.CollectAndCount(c, "fleetaudit_cluster_last_success_timestamp_seconds"); n != 1 {
		t.Errorf("last success must survive the cluster's absence: %d", n)
	}
}

func TestLintAndClusterLabel(t *testing.T) {
	c := New()
	c.Update(snapshot())
	_, reg := Handler(c)
	problems, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		if strings.HasPrefix(p.Metric, "fleetaudit_") {
			t.Errorf("promlint: %s: %s", p.Metric, p.Text)
		}
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if !strings.HasPrefix(mf.GetName(), "fleetaudit_") {
			continue
		}
		fleetWide := mf.GetName() == "fleetaudit_audit_duration_seconds" || mf.GetName() == "fleetaudit_audit_last_run_timestamp_seconds"
		for _, m := range mf.GetMetric() {
			has := false
			for _, l := range m.GetLabel() {
				has = has || l.GetName() == "cluster"
			}
			if has == fleetWide {
				t.Errorf("%s: cluster label present=%v, want %v", mf.GetName(), has, !fleetWide)
			}
		}
	}
}

// TestEveryMetricDocumented: docs/metrics.md is generated from Families; a metric added
// without regenerating it fails here (go test ./internal/metrics -update).
func TestEveryMetricDocumented(t *testing.T) {
	var b strings.Builder
	b.WriteString("# Metrics\n\nGenerated from `internal/metrics` (`go test ./internal/metrics -update`); a test fails\nwhen this page and the code differ. All metrics are gauges that describe the last finished\naudit; every series derived from a cluster carries `cluster`. There are no per-pod or\nper-object labels.\n\nSeries labelled by `namespace` are bounded: per cluster, only the top namespaces (50, or\n`serve --metrics-top-namespaces N`; 0 keeps all) keep their own series, the largest by cost,\nby Pod Security violations or by quota use, and one series with `namespace=\"other\"` carries\nthe rest (their sum, so sums over namespaces stay exact; for quota utilization, a ratio,\nthe highest among them). A namespace really named `other` is always counted in it.\n\n| metric | labels | meaning |\n|---|---|---|\n")
	for _, f := range Families {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", f.name, labelList(f.labels), f.help)
	}
	want := b.String()
	const path = "../../docs/metrics.md"
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("docs/metrics.md is out of date with the metrics the code emits; run go test ./internal/metrics -update")
	}
}

func labelList(ls []string) string {
	if len(ls) == 0 {
		return "—"
	}
	return "`" + strings.Join(ls, "`, `") + "`"
}

// TestPostureSeries: PSS deny findings count per namespace and level, every control the rules
// cite gets a 0/1 series per audited cluster, and warnings fail no control.
func TestPostureSeries(t *testing.T) {
	pss := func(id string) policy.Control { return policy.Control{Framework: "PSS", ID: id} }
	cis := policy.Control{Framework: "CIS", ID: "5.2.2", Version: "cis-1.12"}
	rules := []*policy.Rule{
		{ID: "W-1", Controls: []policy.Control{pss("baseline/privileged"), cis}},
		{ID: "W-2", Controls: []policy.Control{pss("restricted/run-as-non-root")}},
		{ID: "W-3", Controls: []policy.Control{{Framework: "NSA", ID: "net-policies"}}},
	}
	finding := func(rule, ns, kind string, cs ...policy.Control) policy.Finding {
		return policy.Finding{Cluster: "c1", RuleID: rule, Kind: kind, Severity: policy.SeverityHigh, Category: "workload",
			Resource: policy.ResourceRef{Kind: "Deployment", Namespace: ns, Name: "x"}, Controls: cs}
	}
	a := &fleet.Audit{Clusters: []fleet.Result{
		{Cluster: "c1", Status: facts.StatusOK, Findings: []policy.Finding{
			finding("W-1", "shop", "deny", pss("baseline/privileged"), cis),
			finding("W-1", "shop", "deny", pss("baseline/privileged"), cis),
			finding("W-2", "shop", "deny", pss("restricted/run-as-non-root")),
			finding("W-2", "batch", "deny", pss("restricted/run-as-non-root")),
			finding("W-3", "shop", "warn", policy.Control{Framework: "NSA", ID: "net-policies"}),
			waivedFinding(finding("W-2", "ops", "deny", pss("restricted/run-as-non-root"))),
		}},
		{Cluster: "down", Status: facts.StatusFailed},
	}}
	c := New()
	c.Update(&Snapshot{Audit: a, Rules: rules, Finished: time.Unix(0, 0)})
	want := `
# HELP fleetaudit_pss_violations Deny findings of Pod Security Standards controls per namespace (the top namespaces by violations; namespace="other" sums the rest), by level (baseline, restricted) and state (open, waived).
# TYPE fleetaudit_pss_violations gauge
fleetaudit_pss_violations{cluster="c1",level="baseline",namespace="shop",state="open"} 2
fleetaudit_pss_violations{cluster="c1",level="restricted",namespace="batch",state="open"} 1
fleetaudit_pss_violations{cluster="c1",level="restricted",namespace="ops",state="waived"} 1
fleetaudit_pss_violations{cluster="c1",level="restricted",namespace="shop",state="open"} 1
# HELP fleetaudit_control_failed Whether a control of a compliance framework failed on the cluster in the last audit (1) or not (0), for every control a rule cites.
# TYPE fleetaudit_control_failed gauge
fleetaudit_control_failed{cluster="c1",control="5.2.2",framework="CIS"} 1
fleetaudit_control_failed{cluster="c1",control="baseline/privileged",framework="PSS"} 1
fleetaudit_control_failed{cluster="c1",control="net-policies",framework="NSA"} 0
fleetaudit_control_failed{cluster="c1",control="restricted/run-as-non-root",framework="PSS"} 1
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "fleetaudit_pss_violations", "fleetaudit_control_failed"); err != nil {
		t.Error(err)
	}
}

func waivedFinding(f policy.Finding) policy.Finding {
	f.Waiver = &policy.Waiver{Owner: "sec@example.com"}
	return f
}

// TestShardLabel: a sharded replica's fleet-wide series say which shard they describe, so
// that a stale replica shows among the others.
func TestShardLabel(t *testing.T) {
	c := NewWith(Options{Shard: "1/3"})
	c.Update(snapshot())
	want := `# HELP fleetaudit_audit_last_run_timestamp_seconds Unix time the last fleet audit finished (fleet-wide: no cluster label). shard as for fleetaudit_audit_duration_seconds: one series per replica.
# TYPE fleetaudit_audit_last_run_timestamp_seconds gauge
fleetaudit_audit_last_run_timestamp_seconds{shard="1/3"} 1.80000006e+09
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "fleetaudit_audit_last_run_timestamp_seconds"); err != nil {
		t.Error(err)
	}
}
