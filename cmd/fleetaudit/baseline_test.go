package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// demoBaseline writes the demo audit's JSON, changed by edit, as a baseline file.
func demoBaseline(t *testing.T, edit func(doc map[string]any)) string {
	t.Helper()
	code, out, errOut := runCLI(t, "audit", "--demo", "-o", "json")
	if code != exitOK {
		t.Fatalf("demo audit: exit %d %s", code, errOut)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(doc)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "baseline.json", string(b))
}

// isEUPDB is prod-eu-west's high finding about the payments-db PodDisruptionBudget.
func isEUPDB(cluster string, f map[string]any) bool {
	res, _ := f["resource"].(map[string]any)
	return cluster == "prod-eu-west" && f["rule"] == "FA-UPG-005" && res["kind"] == "PodDisruptionBudget" && res["name"] == "payments-db"
}

// editFindings rewrites each cluster's findings of a report document.
func editFindings(doc map[string]any, fn func(cluster string, fs []any) []any) {
	for _, c := range doc["clusters"].([]any) {
		cm := c.(map[string]any)
		cm["findings"] = fn(cm["name"].(string), cm["findings"].([]any))
	}
}

func TestBaselineUnchangedFleetPassesFailOnNew(t *testing.T) {
	file := demoBaseline(t, nil)
	code, out, errOut := runCLI(t, "audit", "--demo", "--baseline", file, "--fail-on-new", "high", "-o", "json")
	if code != exitOK {
		t.Fatalf("an unchanged fleet has no new finding: exit %d %s", code, errOut)
	}
	a := decodeAudit(t, out)
	total := 0
	for _, c := range a.Clusters {
		for _, f := range c.Findings {
			total++
			if f.Baseline != policy.BaselineUnchanged {
				t.Errorf("%s %s is %q", f.RuleID, f.Resource, f.Baseline)
			}
		}
	}
	if b := a.Baseline; b == nil || b.File != file || b.New != 0 || b.Unchanged != total || len(b.Resolved) != 0 {
		t.Errorf("baseline %+v", a.Baseline)
	}
	// --fail-on is independent: it still judges every open finding.
	if code, _, _ := runCLI(t, "audit", "--demo", "--baseline", file, "--fail-on-new", "high", "--fail-on", "high"); code != exitFindings {
		t.Errorf("--fail-on high with the demo's high findings: exit %d", code)
	}
}

// TestBaselineNewHighFindingFails: a baseline without one high finding makes it new, which
// --fail-on-new high fails on and --fail-on-new critical does not; a finding only the
// baseline has is resolved; a waiver of the new finding lets --fail-on-new pass.
func TestBaselineNewHighFindingFails(t *testing.T) {
	gone := map[string]any{"cluster": "prod-eu-west", "rule": "FA-RBAC-019", "title": "t", "category": "compliance", "severity": "low", "kind": "deny",
		"resource": map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "namespace": "payments", "name": "fixed-since"}, "message": "Role/payments/fixed-since is bound by nothing"}
	file := demoBaseline(t, func(doc map[string]any) {
		editFindings(doc, func(cluster string, fs []any) []any {
			fs = slices.DeleteFunc(fs, func(f any) bool { return isEUPDB(cluster, f.(map[string]any)) })
			if cluster == "prod-eu-west" {
				fs = append(fs, gone)
			}
			return fs
		})
	})
	code, out, errOut := runCLI(t, "audit", "--demo", "--baseline", file, "--fail-on-new", "high", "-o", "json")
	if code != exitFindings {
		t.Fatalf("a new high finding must fail --fail-on-new high: exit %d %s", code, errOut)
	}
	a := decodeAudit(t, out)
	var news []policy.Finding
	for _, c := range a.Clusters {
		for _, f := range c.Findings {
			if f.Baseline == policy.BaselineNew {
				news = append(news, f)
			}
		}
	}
	if len(news) != 1 || news[0].RuleID != "FA-UPG-005" || news[0].Resource.Name != "payments-db" || a.Baseline.New != 1 {
		t.Errorf("new findings %+v", news)
	}
	if r := a.Baseline.Resolved; len(r) != 1 || r[0].Resource.Name != "fixed-since" {
		t.Errorf("resolved %+v", r)
	}
	if code, _, _ := runCLI(t, "audit", "--demo", "--baseline", file, "--fail-on-new", "critical"); code != exitOK {
		t.Errorf("no new critical finding: exit %d", code)
	}
	waivers := writeFile(t, "waivers.yaml", `apiVersion: fleetaudit.io/v1alpha1
kind: WaiverList
waivers:
  - {rule: FA-UPG-005, clusters: prod-eu-west, resource: PodDisruptionBudget/payments-db, owner: o@example.com, reason: coordinated drains, expires: 2099-12-31}
`)
	if code, _, errOut := runCLI(t, "audit", "--demo", "--baseline", file, "--fail-on-new", "high", "--waivers", waivers); code != exitOK {
		t.Errorf("the new finding waived: exit %d %s", code, errOut)
	}
	// A report folder carries the same comparison.
	dir := t.TempDir()
	if code, _, errOut := runCLI(t, "report", "--demo", "--baseline", file, "--output-dir", dir, "--format", "json"); code != exitOK {
		t.Fatalf("report --baseline: exit %d %s", code, errOut)
	}
	runs, _ := filepath.Glob(filepath.Join(dir, "*", "report.json"))
	b, _ := os.ReadFile(runs[0])
	if !strings.Contains(string(b), `"baseline": {`) || !strings.Contains(string(b), `"new": 1,`) {
		t.Errorf("report.json lacks the baseline comparison")
	}
}

func TestBaselineBadInputExitsUsage(t *testing.T) {
	full := demoBaseline(t, nil)
	b, _ := os.ReadFile(full)
	truncated := writeFile(t, "truncated.json", string(b[:len(b)/3]))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"audit", "--demo", "--fail-on-new", "high"}, "--fail-on-new needs --baseline FILE"},
		{[]string{"audit", "--demo", "--baseline", truncated}, truncated + ": not a fleetaudit JSON report: the JSON ends early"},
		{[]string{"audit", "--demo", "--baseline", "../../internal/demo/fleet/staging-eastus.json"}, "a facts document"},
		{[]string{"report", "--demo", "--baseline", t.TempDir(), "--output-dir", t.TempDir()}, "is a folder: give one JSON report"},
		{[]string{"audit", "--demo", "--baseline", full, "--fail-on-new", "urgent"}, `invalid argument "urgent" for "--fail-on-new"`},
	} {
		code, _, errOut := runCLI(t, tc.args...)
		if code != exitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %s (want %q)", tc.args, code, errOut, tc.want)
		}
	}
}
