package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/reports"
)

// runCLI runs one command line in-process and returns exit code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func decodeAudit(t *testing.T, s string) reports.Report {
	t.Helper()
	var a reports.Report
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		t.Fatalf("output is not the JSON audit: %v\n%s", err, s)
	}
	return a
}

func TestDemoAuditTableAndJSON(t *testing.T) {
	code, out, errOut := runCLI(t, "audit", "--demo")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	for _, want := range []string{
		"CLUSTER prod-eu-west", "CLUSTER prod-us-central", "CLUSTER staging-eastus",
		"is 4 minor versions behind the API server v1.34.2-gke.1163000 (at most 3 allowed)",
		"is newer than the API server v1.32.9",

		"compliance: cis 8/10 (80%), rbac 16/19 (84%)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table output lacks %q:\n%s", want, out)
		}
	}
	table := out
	code, out, _ = runCLI(t, "audit", "--demo", "-o", "json")
	if code != exitOK {
		t.Fatalf("json: exit %d", code)
	}
	a := decodeAudit(t, out)
	// The table's summary line counts the same findings as the JSON.
	n := map[string]int{}
	for _, c := range a.Clusters {
		for _, f := range c.Findings {
			n[string(f.Severity)]++
		}
	}
	summary := fmt.Sprintf("FLEET 3 clusters: 3 audited, 0 incomplete, 0 failed; findings: %d critical, %d high, %d medium, %d low, %d info",
		n["critical"], n["high"], n["medium"], n["low"], n["info"])
	if !strings.Contains(table, summary) || n["critical"] == 0 || n["low"] == 0 {
		t.Errorf("table lacks %q", summary)
	}
	if len(a.Clusters) != 3 {
		t.Fatalf("want 3 clusters, got %d", len(a.Clusters))
	}
	seen := map[string]string{}
	for _, c := range a.Clusters {
		var ids []string
		for _, f := range c.Findings {
			ids = append(ids, f.RuleID+"/"+string(f.Severity))
		}
		seen[c.Name] = strings.Join(ids, ",")
	}
	if seen["prod-eu-west"] == seen["prod-us-central"] || seen["prod-us-central"] == seen["staging-eastus"] {
		t.Errorf("demo clusters should differ in findings: %v", seen)
	}
}

func TestFailOnExitCodes(t *testing.T) {
	for _, tc := range []struct {
		failOn string
		want   int
	}{{"none", exitOK}, {"critical", exitFindings}, {"high", exitFindings}, {"low", exitFindings}} {
		if code, _, errOut := runCLI(t, "audit", "--demo", "--fail-on", tc.failOn); code != tc.want {
			t.Errorf("--fail-on %s: exit %d, want %d (%s)", tc.failOn, code, tc.want, errOut)
		}
	}
}

// TestBadInput: each mistake gives a one-line error that names the culprit, exit 2, no panic.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	badKC := filepath.Join(dir, "broken-kubeconfig")
	write(t, badKC, "apiVersion: v1\nkind: Config\nclusters:\n  - name: a\n    cluster: [not, a, map\n")
	goodKC := filepath.Join(dir, "kubeconfig")
	write(t, goodKC, `apiVersion: v1
kind: Config
clusters:
- name: one
  cluster: {server: "https://127.0.0.1:1"}
users:
- name: one
  user: {token: t}
contexts:
- name: one
  context: {cluster: one, user: one}
current-context: one
`)
	rulesDir := filepath.Join(dir, "rules")
	write(t, filepath.Join(rulesDir, "broken.rego"), "package user.broken\n\ndeny contains f if {\n\tf := {\"msg\": \n}\n")
	snapDir := filepath.Join(dir, "empty-snapshot")
	if err := os.MkdirAll(snapDir, 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"malformed kubeconfig", []string{"audit", "--kubeconfig", badKC}, []string{badKC}},
		{"missing kubeconfig", []string{"audit", "--kubeconfig", filepath.Join(dir, "nope")}, []string{filepath.Join(dir, "nope")}},
		{"unknown context", []string{"audit", "--kubeconfig", goodKC, "--context", "prod"}, []string{`context "prod" not found`, goodKC, "available: one"}},
		{"rego syntax error", []string{"audit", "--demo", "--rules", rulesDir}, []string{"broken.rego:5", "rego_parse_error"}},
		{"bad severity", []string{"audit", "--demo", "--fail-on", "severe"}, []string{`"severe"`}},
		{"bad output", []string{"audit", "--demo", "-o", "xml"}, []string{`"xml" is not one of table, json, yaml`}},
		{"empty snapshot", []string{"audit", "--snapshot", snapDir}, []string{snapDir, "no *.json"}},
		{"unknown flag", []string{"audit", "--frobnicate"}, []string{"frobnicate"}},
		{"unknown command", []string{"frobnicate"}, []string{`unknown command "frobnicate"`}},
		{"snapshot without --output-dir", []string{"snapshot"}, []string{"--output-dir DIR is required"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tc.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d; stderr: %s", code, exitUsage, errOut)
			}
			// Judge the first line; it must be the only one.
			first := strings.SplitN(strings.TrimSpace(errOut), "\n", 2)[0]
			for _, w := range tc.want {
				if !strings.Contains(first, w) {
					t.Errorf("error line %q lacks %q", first, w)
				}
			}
			if strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("error should be one line, got:\n%s", errOut)
			}
		})
	}
}

func TestRulesTestAndList(t *testing.T) {
	code, out, errOut := runCLI(t, "rules", "test")
	if code != exitOK || !strings.Contains(out, " 0 failed") {
		t.Fatalf("rules test: exit %d\n%s%s", code, out, errOut)
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "mine_test.rego"), "package user.mine_test\n\ntest_fails if {\n\t1 == 2\n}\n")
	code, out, _ = runCLI(t, "rules", "test", dir)
	if code != exitFindings || !strings.Contains(out, "FAIL user.mine_test.test_fails") || !strings.Contains(out, " 1 failed") {
		t.Fatalf("failing user test not reported: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "rules", "list")
	if code != exitOK || !strings.Contains(out, "FA-UPG-001") || !strings.Contains(out, "Kubelet and kube-proxy version skew") {
		t.Fatalf("rules list: exit %d\n%s", code, out)
	}
	// The SEVERITY column is what findings carry: FA-UPG-004 denies at high and warns at medium
	// or low (its demo finding is a low warning), FA-UPG-003 only ever at its one severity.
	sevOf := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 2 {
			sevOf[f[0]] = f[1]
		}
	}
	if sevOf["FA-UPG-004"] != "high/medium/low" || sevOf["FA-RBAC-001"] != "critical/high" || strings.Contains(sevOf["FA-UPG-003"], "/") {
		t.Errorf("rules list severities: FA-UPG-004 %q, FA-RBAC-001 %q, FA-UPG-003 %q", sevOf["FA-UPG-004"], sevOf["FA-RBAC-001"], sevOf["FA-UPG-003"])
	}
	for _, c := range decodeAudit(t, func() string { _, o, _ := runCLI(t, "audit", "--demo", "-o", "json"); return o }()).Clusters {
		for _, f := range c.Findings {
			if !slices.Contains(strings.Split(sevOf[f.RuleID], "/"), string(f.Severity)) {
				t.Errorf("%s finding at %s, rules list says %s", f.RuleID, f.Severity, sevOf[f.RuleID])
			}
		}
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestWhoCanAcrossDemoFleet(t *testing.T) {
	code, out, errOut := runCLI(t, "rbac", "who-can", "create", "pods/exec", "-n", "checkout", "--demo")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"prod-us-central  Group/checkout-oncall   namespace checkout  RoleBinding/checkout/oncall-debug -> Role/checkout/debug",
		"prod-eu-west     User/ops-admin@example.com  cluster-wide",
		"staging-eastus   Group/system:masters",
	} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), strings.Join(strings.Fields(want), " ")) {
			t.Errorf("who-can output lacks %q:\n%s", want, out)
		}
	}
	_, out, _ = runCLI(t, "rbac", "who-can", "create", "pods/exec", "-n", "payments", "--demo")
	if strings.Contains(out, "checkout-oncall") {
		t.Errorf("a RoleBinding in checkout answered for payments:\n%s", out)
	}
	code, _, errOut = runCLI(t, "rbac", "who-can", "get", "--demo")
	if code != exitUsage || !strings.Contains(errOut, "want VERB and RESOURCE") {
		t.Errorf("missing RESOURCE: exit %d %s", code, errOut)
	}
}

// demoFindings returns the findings of one demo cluster in a --demo audit.
// demoFindings are a demo cluster's findings as a snapshot audit gives them: the demo fleet
// is held to the example bindings (drift findings), a snapshot folder to none.
func demoFindings(t *testing.T, cluster string) []policy.Finding {
	t.Helper()
	_, out, _ := runCLI(t, "audit", "--demo", "-o", "json")
	for _, c := range decodeAudit(t, out).Clusters {
		if c.Name == cluster {
			var fs []policy.Finding
			for _, f := range c.Findings {
				if f.Category != policy.CategoryDrift {
					fs = append(fs, f)
				}
			}
			if len(fs) == 0 || len(fs) == len(c.Findings) {
				t.Fatalf("demo cluster %s: %d findings, %d of them drift", cluster, len(c.Findings), len(c.Findings)-len(fs))
			}
			return fs
		}
	}
	t.Fatalf("no demo cluster %s", cluster)
	return nil
}

// TestRulesListFramework: --framework keeps the rules citing a control of that framework
// (any case) with only its controls, and names the known frameworks for one nobody cites.
func TestRulesListFramework(t *testing.T) {
	code, out, errOut := runCLI(t, "rules", "list", "--framework", "cis")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	ids := map[string]string{}
	for _, l := range lines[1:] {
		ids[strings.Fields(l)[0]] = l
	}
	if !strings.Contains(ids["FA-RBAC-001"], "CIS 5.1.1") || strings.Contains(ids["FA-RBAC-001"], "NSA") {
		t.Errorf("FA-RBAC-001 line %q: want CIS 5.1.1 and no other framework", ids["FA-RBAC-001"])
	}
	if _, ok := ids["FA-CIS-001"]; !ok {
		t.Error("FA-CIS-001 (kube-bench checks) missing from --framework cis")
	}
	if _, ok := ids["FA-COST-001"]; ok {
		t.Error("a cost rule is listed under CIS")
	}
	code, out, _ = runCLI(t, "rules", "list", "--framework", "FinOps")
	if code != exitOK || !strings.Contains(out, "FA-COST-002") || strings.Contains(out, "FA-RBAC-001") {
		t.Errorf("--framework FinOps: exit %d\n%s", code, out)
	}
	code, _, errOut = runCLI(t, "rules", "list", "--framework", "iso27001")
	if code != exitUsage || !strings.Contains(errOut, "frameworks cited: CIS, FinOps, K8s, NSA, PSS") {
		t.Errorf("unknown framework: exit %d, %s", code, errOut)
	}
}
