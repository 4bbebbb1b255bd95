package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/waiver"
	"github.com/fleetaudit/fleetaudit/reports"
)

// demoWaivers waives the demo fleet's six critical findings and prod-eu-west's blocking
// PDB; the waiver of line 25 matches nothing.
const demoWaivers = `apiVersion: fleetaudit.io/v1alpha1
kind: WaiverList
waivers:
  - rule: FA-RBAC-001
    clusters: prod-eu-west
    resource: User/ops-admin@example.com
    owner: security-team@example.com
    reason: break-glass administrator
    expires: 2099-12-31
    ticket: https://tracker.example.com/SEC-412
  - rule: FA-RBAC-003
    clusters: "prod-*"
    namespace: platform
    resource: ServiceAccount/external-secrets
    owner: platform-team@example.com
    reason: syncs secrets by design
    expires: 2099-12-31
  - {rule: FA-RBAC-016, clusters: prod-us-central, resource: Group/system:authenticated, owner: platform-team@example.com, reason: status page reads pod names, expires: 2099-12-31}
  - rule: FA-UPG-005
    clusters: prod-eu-west
    resource: PodDisruptionBudget/payments-db
    owner: payments-team@example.com
    reason: drains of payments-db are coordinated by hand
    expires: 2099-12-31
  - rule: FA-RBAC-001
    clusters: "staging-*"
    owner: security-team@example.com
    reason: the break-glass user there was removed
    expires: 2099-12-31
  - {rule: FA-WL-002, clusters: prod-eu-west, resource: Pod/debug-tools, owner: platform-team@example.com, reason: debug pod, expires: 2099-12-31}
  - {rule: FA-WL-002, clusters: staging-eastus, resource: Deployment/runner, owner: ci-team@example.com, reason: CI builds images, expires: 2099-12-31}
  - {rule: FA-WL-011, clusters: staging-eastus, resource: DaemonSet/windows-exporter, owner: observability-team@example.com, reason: Windows node metrics, expires: 2099-12-31}
`

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestWaiversOnDemoAudit: audit --demo --waivers FILE -o json marks the waived findings,
// leaves them out of the summary and of --fail-on (whose exit code changes because of it),
// reports the stale waiver in JSON and on stderr, and takes the flag from a config file too.
func TestWaiversOnDemoAudit(t *testing.T) {
	file := writeFile(t, "waivers.yaml", demoWaivers)
	if code, _, errOut := runCLI(t, "audit", "--demo", "-o", "json", "--fail-on", "critical"); code != exitFindings {
		t.Fatalf("without waivers the demo's critical findings fail --fail-on critical: exit %d %s", code, errOut)
	}
	code, out, errOut := runCLI(t, "audit", "--demo", "--waivers", file, "-o", "json", "--fail-on", "critical")
	if code != exitOK {
		t.Fatalf("with the critical findings waived --fail-on critical passes: exit %d %s", code, errOut)
	}
	a := decodeAudit(t, out)
	var waived []policy.Finding
	for _, c := range a.Clusters {
		for _, f := range c.Findings {
			if f.Waived() {
				waived = append(waived, f)
			}
		}
	}
	if len(waived) != 7 || a.Summary.Findings["critical"] != 0 || a.Summary.Waived != 7 {
		t.Fatalf("%d findings waived, summary %+v", len(waived), a.Summary)
	}
	for _, f := range waived {
		if f.RuleID == "FA-RBAC-001" && (f.Waiver.Owner != "security-team@example.com" || f.Waiver.Reason != "break-glass administrator" ||
			f.Waiver.Expires != "2099-12-31" || f.Waiver.Ticket != "https://tracker.example.com/SEC-412" || f.Waiver.Source != file+":4") {
			t.Errorf("FA-RBAC-001 waiver %+v", f.Waiver)
		}
	}
	if a.Waivers == nil || len(a.Waivers.Stale) != 1 || a.Waivers.Stale[0].Source != file+":25" || len(a.Waivers.Expired) != 0 {
		t.Errorf("waivers %+v", a.Waivers)
	}
	if !strings.Contains(errOut, "stale waiver") || !strings.Contains(errOut, file+":25") {
		t.Errorf("stderr lacks the stale waiver line:\n%s", errOut)
	}
	if !slices.ContainsFunc(a.Rules, func(r reports.RuleInfo) bool { return r.ID == waiver.ExpiredRuleID }) {
		t.Errorf("report rules lack %s", waiver.ExpiredRuleID)
	}
	// The high findings are not waived: --fail-on high still fails.
	if code, _, _ := runCLI(t, "audit", "--demo", "--waivers", file, "--fail-on", "high"); code != exitFindings {
		t.Errorf("--fail-on high with open high findings: exit %d", code)
	}
	// From a config file, like every flag.
	cfg := writeFile(t, "fleetaudit.yaml", "waivers: "+file+"\nfail-on: critical\n")
	if code, out, errOut := runCLI(t, "config", "validate", cfg); code != exitOK || !strings.Contains(out, "waivers") {
		t.Errorf("config validate: exit %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "audit", "--demo", "--config", cfg); code != exitOK {
		t.Errorf("waivers from the config file: exit %d %s", code, errOut)
	}
}

// TestWaiversBadFileExitsUsage: every command that takes --waivers refuses a bad file with
// its file and line, before auditing (exit 2).
func TestWaiversBadFileExitsUsage(t *testing.T) {
	bad := writeFile(t, "bad.yaml", strings.Replace(demoWaivers, "    owner: security-team@example.com\n    reason: break-glass administrator\n", "", 1))
	unknown := writeFile(t, "unknown.yaml", strings.Replace(demoWaivers, "rule: FA-UPG-005", "rule: FA-WL-999", 1))
	for _, args := range [][]string{
		{"audit", "--demo", "--waivers", bad},
		{"report", "--demo", "--waivers", bad, "--output-dir", t.TempDir()},
		{"gate", "--demo", "--waivers", bad, "--profile", "../../examples/profiles/platform-1.34.yaml"},
		{"audit", "--demo", "--waivers", unknown},
	} {
		code, _, errOut := runCLI(t, args...)
		want := bad + ":4: waivers[0].owner: is required"
		if args[3] == unknown {
			want = unknown + `:19: waivers[3].rule: "FA-WL-999" is not a rule fleetaudit loaded`
		}
		if code != exitUsage || !strings.Contains(errOut, want) {
			t.Errorf("%v: exit %d, stderr %s (want %q)", args[:2], code, errOut, want)
		}
	}
}

// TestWaiversInGateAndReport: the gate's blocking findings and the compliance score it
// judges leave out waived findings, the non-waivable checks stay; the report's files carry
// the Accepted risk section.
func TestWaiversInGateAndReport(t *testing.T) {
	file := writeFile(t, "waivers.yaml", demoWaivers)
	profileFile := "../../examples/profiles/platform-1.34.yaml"
	decide := func(args ...string) map[string]policy.Decision {
		_, out, errOut := runCLI(t, append([]string{"gate", "--demo", "--profile", profileFile, "-o", "json"}, args...)...)
		var res policy.GateReport
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("%v: %s", err, errOut)
		}
		m := map[string]policy.Decision{}
		for _, d := range res.Decisions {
			m[d.Cluster] = d
		}
		return m
	}
	plain, waived := decide(), decide("--waivers", file)
	has := func(d policy.Decision, prefix string) bool {
		return slices.ContainsFunc(d.Reasons, func(r string) bool { return strings.HasPrefix(r, prefix) })
	}
	eu, us := waived["prod-eu-west"], waived["prod-us-central"]
	if !has(plain["prod-eu-west"], "FA-UPG-005 high: PodDisruptionBudget payments/payments-db") || has(eu, "FA-UPG-005 high") || len(eu.Waived) != 1 {
		t.Errorf("the waived PDB must leave prod-eu-west's reasons: %v (waived %v)", eu.Reasons, eu.Waived)
	}
	if !has(plain["prod-us-central"], "FA-UPG-008 high: rbac compliance 74%") || has(us, "FA-UPG-008 high: rbac compliance") {
		t.Errorf("with FA-RBAC-016 waived prod-us-central's rbac score meets the minimum: %v", us.Reasons)
	}
	for _, d := range []policy.Decision{eu, us} {
		if d.Allowed || !has(d, "non-waivable kubelet-skew") {
			t.Errorf("%s: waivers must not lift the non-waivable kubelet skew: %v", d.Cluster, d.Reasons)
		}
	}

	dir := t.TempDir()
	if code, _, errOut := runCLI(t, "report", "--demo", "--waivers", file, "--output-dir", dir, "--format", "md,json"); code != exitOK {
		t.Fatalf("report: exit %d %s", code, errOut)
	}
	runs, _ := filepath.Glob(filepath.Join(dir, "*", "report.md"))
	if len(runs) != 1 {
		t.Fatalf("report files %v", runs)
	}
	md, _ := os.ReadFile(runs[0])
	if !strings.Contains(string(md), "## Accepted risk") || !strings.Contains(string(md), "break-glass administrator") || !strings.Contains(string(md), "### Stale") {
		t.Errorf("report.md lacks the Accepted risk section")
	}
}
