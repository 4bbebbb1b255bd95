package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/reports"
)

// manifestsDir is the folder of manifests with known violations and compliant look-alikes.
const manifestsDir = "../../internal/manifests/testdata/fleet"

// locatedFindings lists a cluster's findings as "RULE Kind/ns/name file:line" with the file
// relative to dir.
func locatedFindings(t *testing.T, c reports.ClusterReport, dir string) []string {
	t.Helper()
	var out []string
	for _, f := range c.Findings {
		where := "-"
		if l := f.Location; l != nil {
			where = fmt.Sprintf("%s:%d", strings.TrimPrefix(l.File, dir+"/"), l.Line)
		}
		out = append(out, fmt.Sprintf("%s %s/%s/%s %s", f.RuleID, f.Resource.Kind, f.Resource.Namespace, f.Resource.Name, where))
	}
	slices.Sort(out)
	return out
}

// TestAuditManifestsEndToEnd audits a folder of manifests through the CLI and checks the
// exact findings with their files and lines: a privileged container and a hostPath volume
// fire and their restricted look-alike does not; the wildcard ClusterRole's subject is placed
// at its binding and the narrow Role yields nothing; the policy/v1beta1 PDB is a removed API;
// a List's item and a JSON file are judged; objects without a namespace are in default; the
// rules that need a live cluster are listed as skipped and fire on nothing; no Secret value
// reaches any output.
func TestAuditManifestsEndToEnd(t *testing.T) {
	code, out, errOut := runCLI(t, "audit", "--manifests", manifestsDir, "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	a := decodeAudit(t, out)
	if len(a.Clusters) != 1 || a.Clusters[0].Name != manifestsDir || a.Clusters[0].Status != "ok" {
		t.Fatalf("want one ok cluster named %s, got %+v", manifestsDir, a.Clusters)
	}
	c := a.Clusters[0]
	want := []string{
		"FA-RBAC-001 ServiceAccount/apps/ci rbac.yaml:20", // placed at the binding's subject: no file declares it
		"FA-UPG-004 PodDisruptionBudget/apps/privileged pdb.yaml:1",
		"FA-WL-002 Deployment/apps/privileged workloads.yaml:28",
		"FA-WL-003 StatefulSet/secure/worker worker.json:24",
		"FA-WL-004 Deployment/apps/privileged workloads.yaml:17",
		"FA-WL-017 StatefulSet/secure/worker worker.json:24",
		"FA-WL-018 Deployment/default/listed list.yaml:24",
		"FA-WL-021 Deployment/default/listed list.yaml:23",
		"FA-WL-022 Deployment/default/listed list.yaml:23",
		"FA-WL-023 Deployment/default/listed list.yaml:23",
		"FA-WL-024 Deployment/apps/privileged workloads.yaml:14",
		"FA-WL-024 Deployment/default/listed list.yaml:21",
		"FA-WL-025 Namespace//apps namespaces.yaml:2",
		"FA-WL-025 Namespace//default list.yaml:13", // not declared: the first object in it
		"FA-WL-027 Deployment/default/listed list.yaml:13",
	}
	if got := locatedFindings(t, c, manifestsDir); !slices.Equal(got, want) {
		t.Errorf("findings:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
	for _, f := range c.Findings {
		if f.RuleID == "FA-WL-002" && (f.Location.Column != 13 || f.Resource.FieldPath != "spec.template.spec.containers[name=app].securityContext.privileged") {
			t.Errorf("privileged finding at %s, field %s: want column 13 of the privileged key", f.Location, f.Resource.FieldPath)
		}
		if f.RuleID == "FA-UPG-004" && (f.Severity != policy.SeverityHigh || f.Kind != "deny") {
			t.Errorf("policy/v1beta1 PDB judged for %s: %s %s, want a high deny (removed at the version judged: it will not apply)", c.Version, f.Severity, f.Kind)
		}
	}
	// The rules that read nodes, usage, cost or CIS are skipped, with why, and fire on nothing.
	skipped := map[string]string{}
	for _, s := range c.Skipped {
		skipped[s.Rule] = s.Reason
	}
	for rule, path := range map[string]string{"FA-UPG-001": "nodes", "FA-QUO-001": "usage", "FA-COST-001": "cost", "FA-CIS-001": "cis", "FA-UPG-005": "usage"} {
		if why := skipped[rule]; !strings.Contains(why, "not judged on manifests: it reads "+path) {
			t.Errorf("%s skipped as %q, want a reason naming %s", rule, why, path)
		}
	}
	for _, f := range c.Findings {
		if _, ok := skipped[f.RuleID]; ok {
			t.Errorf("%s is listed as skipped but has a finding on %s", f.RuleID, f.Resource)
		}
	}
	for _, rule := range []string{"FA-WL-002", "FA-RBAC-001", "FA-UPG-004", "FA-WL-025"} {
		if _, ok := skipped[rule]; ok {
			t.Errorf("%s is listed as skipped: files have what it reads", rule)
		}
	}
	if !strings.Contains(out, `"skipped": [`) {
		t.Error(`the JSON lacks the "skipped" list`)
	}

	// The table shows each finding's location and the skipped rules; no format shows a
	// Secret's value.
	for _, format := range []string{"table", "json", "sarif", "junit", "yaml"} {
		code, out, errOut := runCLI(t, "audit", "--manifests", manifestsDir, "-o", format)
		if code != exitOK {
			t.Fatalf("-o %s: exit %d: %s", format, code, errOut)
		}
		for _, secret := range []string{"c3VwZXItc2VjcmV0LXZhbHVlLTQy", "super-secret-value-42", "plain-secret-token-value-42"} {
			if strings.Contains(out, secret) {
				t.Errorf("-o %s shows a Secret's value", format)
			}
		}
		if format == "table" {
			for _, s := range []string{"LOCATION", manifestsDir + "/workloads.yaml:28", "skipped FA-QUO-004, FA-UPG-001, FA-UPG-002, FA-UPG-007: not judged on manifests: it reads nodes"} {
				if !strings.Contains(out, s) {
					t.Errorf("table lacks %q:\n%s", s, out)
				}
			}
		}
	}

	// --kube-version v1.24.0: policy/v1beta1 still applies but is deprecated (removed in
	// 1.25): a medium warning, and --fail-on medium fails on it.
	code, out, errOut = runCLI(t, "audit", "--manifests", manifestsDir, "--kube-version", "v1.24.0", "-o", "json", "--fail-on", "medium")
	if code != exitFindings {
		t.Fatalf("--kube-version v1.24.0 --fail-on medium: exit %d, want %d: %s", code, exitFindings, errOut)
	}
	a = decodeAudit(t, out)
	found := false
	for _, f := range a.Clusters[0].Findings {
		if f.RuleID == "FA-UPG-004" && f.Kind == "warn" && f.Severity == policy.SeverityMedium && f.Location != nil && f.Location.Line == 1 {
			found = true
		}
	}
	if !found || a.Clusters[0].Version != "v1.24.0" {
		t.Errorf("at v1.24.0 (got %s) want a medium warning FA-UPG-004 on the PDB at pdb.yaml:1: %+v", a.Clusters[0].Version, a.Clusters[0].Findings)
	}
}

// TestAuditManifestsWaiversAndBaseline: waivers match findings on files like any other, and
// a baseline of the same files has nothing new.
func TestAuditManifestsWaiversAndBaseline(t *testing.T) {
	dir := t.TempDir()
	waivers := filepath.Join(dir, "waivers.yaml")
	write(t, waivers, `apiVersion: fleetaudit.io/v1alpha1
kind: WaiverList
waivers:
  - rule: FA-WL-002
    clusters: `+manifestsDir+`
    resource: Deployment/privileged
    owner: platform@example.com
    reason: the agent needs the host
    expires: 2099-12-31
  - rule: FA-RBAC-001
    clusters: `+manifestsDir+`
    resource: ServiceAccount/ci
    owner: platform@example.com
    reason: CI deploys everything
    expires: 2099-12-31
`)
	if code, _, errOut := runCLI(t, "audit", "--manifests", manifestsDir, "--fail-on", "critical"); code != exitFindings {
		t.Fatalf("without waivers --fail-on critical: exit %d, want 1: %s", code, errOut)
	}
	code, out, errOut := runCLI(t, "audit", "--manifests", manifestsDir, "--waivers", waivers, "--fail-on", "critical", "-o", "json")
	if code != exitOK {
		t.Fatalf("with both critical findings waived: exit %d, want 0: %s", code, errOut)
	}
	if a := decodeAudit(t, out); a.Summary.Waived != 2 {
		t.Errorf("waived %d findings, want 2", a.Summary.Waived)
	}
	base := filepath.Join(dir, "base.json")
	write(t, base, out)
	code, out, errOut = runCLI(t, "audit", "--manifests", manifestsDir, "--baseline", base, "--fail-on-new", "low", "-o", "json")
	if code != exitOK {
		t.Fatalf("against a baseline of the same files: exit %d, want 0: %s", code, errOut)
	}
	if a := decodeAudit(t, out); a.Baseline == nil || a.Baseline.New != 0 || a.Baseline.Unchanged != 15 {
		t.Errorf("baseline: %+v, want 0 new and 15 unchanged", a.Baseline)
	}
}

// TestAuditManifestsBadInput: invalid YAML, a document without kind and a missing path make
// their virtual cluster partial (exit 3) with the file and line, while every other document
// and path is still judged; an unknown kind is counted, not an error; stdin works; and flag
// misuse is a usage error.
func TestAuditManifestsBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	write(t, bad, `apiVersion: v1
kind: Pod
metadata:
  name: shell
spec:
  containers:
    - name: sh
      image: busybox
      securityContext: {privileged: true}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: broken
data:
  key: a: b
---
metadata:
  name: nokind
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
`)
	missing := filepath.Join(dir, "nope.yaml")
	code, out, errOut := runCLI(t, "audit", "--manifests", bad, "--manifests", missing, "-o", "json")
	if code != exitIncomplete {
		t.Fatalf("exit %d, want %d: %s", code, exitIncomplete, errOut)
	}
	a := decodeAudit(t, out)
	if len(a.Clusters) != 2 {
		t.Fatalf("want 2 virtual clusters, got %d", len(a.Clusters))
	}
	byName := map[string]reports.ClusterReport{}
	for _, c := range a.Clusters {
		byName[c.Name] = c
	}
	b := byName[bad]
	for _, s := range []string{bad + ":16: invalid YAML", bad + ":18: object without apiVersion and kind"} {
		if b.Status != "partial" || !strings.Contains(b.Problem, s) {
			t.Errorf("bad.yaml: status %s, problem %q; want partial naming %q", b.Status, b.Problem, s)
		}
	}
	if strings.Contains(b.Problem, "Widget") {
		t.Errorf("an unknown kind is an error: %s", b.Problem)
	}
	if got := locatedFindings(t, b, filepath.ToSlash(dir)); !slices.Contains(got, "FA-WL-002 Pod/default/shell bad.yaml:9") {
		t.Errorf("the valid Pod before the broken documents is not judged: %v", got)
	}
	if m := byName[missing]; m.Status != "partial" || !strings.Contains(m.Problem, missing+": no such file or folder") {
		t.Errorf("missing path: status %s, problem %q", m.Status, m.Problem)
	}

	// stdin, named <stdin>.
	var stdout, stderr bytes.Buffer
	manifest, err := os.ReadFile(filepath.Join(manifestsDir, "workloads.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	code = runWithStdin(context.Background(), []string{"audit", "--manifests", "-", "-o", "json"}, bytes.NewReader(manifest), &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("stdin: exit %d: %s", code, stderr.String())
	}
	got := locatedFindings(t, decodeAudit(t, stdout.String()).Clusters[0], "")
	if !slices.Contains(got, "FA-WL-002 Deployment/apps/privileged <stdin>:28") {
		t.Errorf("stdin findings: %v", got)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--manifests", bad, "--demo"}, "--manifests, --helm-chart or --kustomize and --demo cannot be combined"},
		{[]string{"--manifests", bad, "--context", "prod"}, "--manifests, --helm-chart or --kustomize and --context cannot be combined"},
		{[]string{"--helm-chart", bad, "--snapshot", "x"}, "--manifests, --helm-chart or --kustomize and --snapshot cannot be combined"},
		{[]string{"--manifests", bad, "--values", "v.yaml"}, "--values, --set, --api-versions, --helm-release and --helm-namespace apply to --helm-chart only"},
		{[]string{"--manifests", bad, "--kustomize", bad}, "given twice"},
		{[]string{"no-such-file.yaml"}, `no file or folder "no-such-file.yaml"`},
		{[]string{"--manifests", bad, "--kube-version", "1.x"}, `--kube-version: kube version "1.x": want a Kubernetes version such as v1.33.0`},
		{[]string{"--demo", "--kube-version", "v1.33.0"}, "--kube-version applies to --manifests, --helm-chart and --kustomize only"},
		{[]string{"--manifests", bad, "--manifests", bad}, "given twice"},
	} {
		code, _, errOut := runCLI(t, append([]string{"audit"}, tc.args...)...)
		if code != exitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 with %q", tc.args, code, errOut, tc.want)
		}
	}
}

// TestReportManifests: report shares the source flags, so it renders files too.
func TestReportManifests(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := runCLI(t, "report", "--manifests", manifestsDir, "--output-dir", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "report.json"))
	if len(files) != 1 {
		t.Fatalf("want one report.json under %s, got %v", dir, files)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"file": "`+manifestsDir+`/workloads.yaml"`) {
		t.Error("report.json lacks the findings' locations")
	}
}
