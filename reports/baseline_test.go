package reports

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// roundTrip writes r as JSON and reads it back as a baseline, as --baseline does.
func roundTrip(t *testing.T, r *Report) (*Report, string) {
	t.Helper()
	var b bytes.Buffer
	if err := JSON(&b, r); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "baseline.json")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	base, err := ReadBaseline(path)
	if err != nil {
		t.Fatal(err)
	}
	return base, path
}

func TestBaselineOfTheSameFleetIsUnchanged(t *testing.T) {
	base, path := roundTrip(t, demoReport(t))
	r := demoReport(t)
	r.CompareBaseline(base, path)
	total := len(r.FindingsWhere(func(policy.Finding) bool { return true }))
	if b := r.Baseline; b.New != 0 || b.Unchanged != total || len(b.Resolved) != 0 || b.File != path || !b.GeneratedAt.Equal(base.GeneratedAt) {
		t.Fatalf("baseline %+v for %d findings", b, total)
	}
	if r.NewAtLeast(policy.SeverityInfo) || len(r.FindingsWhere(func(f policy.Finding) bool { return f.Baseline != policy.BaselineUnchanged })) != 0 {
		t.Error("every finding of an unchanged fleet is unchanged")
	}
}

// TestBaselineNewAndResolved: a high finding the baseline lacks is new (and trips
// NewAtLeast(high) unless waived); a finding only the baseline has is resolved; one of two
// findings sharing an identity is new (multisets), and the one worded alike pairs first.
func TestBaselineNewAndResolved(t *testing.T) {
	base, path := roundTrip(t, demoReport(t))
	isPDB := func(f policy.Finding) bool {
		return f.RuleID == "FA-UPG-005" && f.Resource.Name == "payments-db" && f.Resource.Kind == "PodDisruptionBudget"
	}
	isQuota := func(f policy.Finding) bool {
		return f.RuleID == "FA-QUO-002" && f.Resource.Name == "payments" && strings.Contains(f.Message, "LimitRange")
	}
	extra := policy.Finding{Cluster: "prod-eu-west", RuleID: "FA-RBAC-019", Kind: "deny", Severity: policy.SeverityLow,
		Resource: policy.ResourceRef{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role", Namespace: "payments", Name: "gone"}, Message: "Role/payments/gone is bound by nothing"}
	for i, c := range base.Clusters {
		if c.Name != "prod-eu-west" {
			continue
		}
		kept := slices.DeleteFunc(slices.Clone(c.Findings), func(f policy.Finding) bool { return isPDB(f) || isQuota(f) })
		if len(kept) != len(c.Findings)-2 {
			t.Fatalf("the demo lost its PDB or quota finding: %d of %d kept", len(kept), len(c.Findings))
		}
		base.Clusters[i].Findings = append(kept, extra)
	}
	// The other cluster's findings count as fixed only where this run judged them.
	base.Clusters = append(base.Clusters, ClusterReport{Name: "gone-cluster", Findings: []policy.Finding{extra}})
	r := demoReport(t)
	for i := range r.Clusters {
		if r.Clusters[i].Name == "staging-eastus" {
			r.Clusters[i].Status = facts.StatusFailed
		}
	}
	for i, c := range base.Clusters {
		if c.Name == "staging-eastus" {
			base.Clusters[i].Findings = append(c.Findings, policy.Finding{Cluster: "staging-eastus", RuleID: "FA-QUO-003", Resource: policy.ResourceRef{Kind: "Namespace", Name: "x"}})
		}
	}
	r.CompareBaseline(base, path)
	news := r.FindingsWhere(func(f policy.Finding) bool { return f.Baseline == policy.BaselineNew })
	if len(news) != 2 || !slices.ContainsFunc(news, isPDB) || !slices.ContainsFunc(news, isQuota) || r.Baseline.New != 2 {
		t.Fatalf("new findings %+v", news)
	}
	if len(r.Baseline.Resolved) != 1 || r.Baseline.Resolved[0].Resource.Name != "gone" {
		t.Errorf("resolved %+v: only the audited cluster's fixed finding (not a failed or absent cluster's)", r.Baseline.Resolved)
	}
	if !r.NewAtLeast(policy.SeverityHigh) || r.NewAtLeast(policy.SeverityCritical) {
		t.Errorf("a new high finding: NewAtLeast(high) %v, NewAtLeast(critical) %v", r.NewAtLeast(policy.SeverityHigh), r.NewAtLeast(policy.SeverityCritical))
	}
	for i := range r.Clusters {
		for j, f := range r.Clusters[i].Findings {
			if isPDB(f) {
				r.Clusters[i].Findings[j].Waiver = &policy.Waiver{Owner: "o", Reason: "r", Expires: "2099-01-01"}
			}
		}
	}
	if r.NewAtLeast(policy.SeverityHigh) {
		t.Error("a waived new finding must not count for --fail-on-new")
	}
	var table, md bytes.Buffer
	if err := Table(&table, r); err != nil {
		t.Fatal(err)
	}
	if err := Markdown(&md, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table.String(), "against the baseline: 2 new") || !strings.Contains(table.String(), "  new  ") ||
		!strings.Contains(md.String(), "## Against the baseline") || !strings.Contains(md.String(), "### Resolved since the baseline") {
		t.Errorf("table and Markdown show the baseline:\n%s", md.String())
	}
}

// TestBaselineMessagesAreNotIdentity: numbers and wording of a message may change; the
// finding stays unchanged.
func TestBaselineMessagesAreNotIdentity(t *testing.T) {
	f := func(msg string) policy.Finding {
		return policy.Finding{Cluster: "c", RuleID: "FA-COST-003", Kind: "deny", Severity: "medium", Resource: policy.ResourceRef{Kind: "Cluster", Name: "c"}, Message: msg}
	}
	base := &Report{SchemaVersion: ReportSchemaVersion, Clusters: []ClusterReport{{Name: "c", Findings: []policy.Finding{f("73% of the node cost is idle")}}}}
	r := &Report{Clusters: []ClusterReport{{Name: "c", Status: facts.StatusOK, Findings: []policy.Finding{f("most of the node cost (81%) is idle")}}}}
	r.CompareBaseline(base, "b.json")
	if r.Clusters[0].Findings[0].Baseline != policy.BaselineUnchanged || r.Baseline.New != 0 || len(r.Baseline.Resolved) != 0 {
		t.Errorf("%+v", r.Baseline)
	}
}

func TestBaselineV1alpha1Loads(t *testing.T) {
	base, err := ReadBaseline("testdata/report-v1alpha1.json")
	if err != nil {
		t.Fatal(err)
	}
	r := withoutWorkloadPosture(demoReport(t))
	r.CompareBaseline(base, "testdata/report-v1alpha1.json")
	// As in TestOldReportLoadsForTheDiff: one kube-system object is newer than that report.
	if r.Baseline.New != 1 || len(r.Baseline.Resolved) != 0 {
		t.Errorf("against the v1alpha1 report of the same fleet: %d new, %d resolved", r.Baseline.New, len(r.Baseline.Resolved))
	}
}

// TestBadBaselines: each bad input names the file and what to give instead.
func TestBadBaselines(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var full bytes.Buffer
	if err := JSON(&full, demoReport(t)); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.json")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil { // sparse: 1 GiB on paper, nothing on disk
		t.Fatal(err)
	}
	f.Close()
	history := filepath.Join(dir, "history")
	run := filepath.Join(history, "2026-11-20T063000Z")
	if err := os.MkdirAll(run, 0o755); err != nil {
		t.Fatal(err)
	}
	write("history/2026-11-20T063000Z/report.json", full.String())
	factsDoc, err := os.ReadFile("../internal/demo/fleet/prod-eu-west.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{write("truncated.json", full.String()[:full.Len()/2]), "truncated.json: not a fleetaudit JSON report: the JSON ends early: the file is truncated"},
		{write("other.json", `{"schemaVersion": "fleetaudit.io/report/v9", "clusters": []}`), `other.json: schemaVersion "fleetaudit.io/report/v9" is not one this build reads`},
		{write("facts.json", string(factsDoc)), `facts.json: a facts document (schemaVersion "fleetaudit.io/facts/v1alpha1", written by fleetaudit snapshot), not a report`},
		{write("gate.json", `{"profile": "p", "decisions": []}`), "gate.json: not a fleetaudit report: it has no schemaVersion"},
		{write("report.yaml", "schemaVersion: fleetaudit.io/report/v1alpha2\n"), "report.yaml: not a fleetaudit JSON report: invalid JSON at byte 1"},
		{history, "baseline " + history + " is a folder: give one JSON report, here the newest run's " + filepath.Join(run, "report.json")},
		{big, "baseline " + big + " is 1 GiB, over the limit of 256 MiB"},
		{filepath.Join(dir, "missing.json"), "missing.json: no such file"},
	} {
		_, err := ReadBaseline(tc.path)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", filepath.Base(tc.path), err, tc.want)
		}
	}
}
