package reports

import (
	"bytes"
	"context"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	orv1 "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/fleetaudit/fleetaudit/internal/binding"
	"github.com/fleetaudit/fleetaudit/internal/demo"
	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/profile"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// demoReport audits the demo fleet's documents (stable timestamps) at a fixed time, with the
// example profile's gate decisions.
func demoReport(t *testing.T) *Report {
	t.Helper()
	ctx := context.Background()
	snap, err := fleet.OpenSnapshot("../internal/demo/fleet", fleet.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	engine, err := policy.New(ctx, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := profile.Load("../examples/profiles/platform-1.34.yaml")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 20, 6, 30, 0, 0, time.UTC)
	b := NewBuilder()
	var mu sync.Mutex
	costs := map[string]*CostSummary{}
	var decisions []policy.Decision
	// The demo bindings give each cluster its place in the catalog (the profile column);
	// drift findings are left out (no Bound input) to keep the golden files about the rest.
	bs, cat, err := demo.Bound()
	if err != nil {
		t.Fatal(err)
	}
	state := func(c *facts.Cluster) *binding.State { return bs.StateOf(c, cat, nil) }
	audit, err := fleet.Run(ctx, snap.Jobs(), engine, fleet.Options{Now: func() time.Time { return now }, State: state}, func(c *facts.Cluster) error {
		cs := b.Keep(c)
		d := engine.Gate(ctx, c.Name, c, p, now)
		mu.Lock()
		costs[c.Name], decisions = cs, append(decisions, d)
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r := Build(audit, engine.Rules(), costs, decisions, p.ID(), now)
	r.NextExpiring = b.NextExpiring()
	return r
}

// TestGoldenFiles renders every format of the demo report and compares with testdata/golden
// (go test ./reports -update rewrites them).
func TestGoldenFiles(t *testing.T) {
	r := demoReport(t)
	for _, f := range Formats() {
		files := map[string][]byte{}
		if f.File != "" {
			var err error
			if files, err = Render(r, f.Name); err != nil {
				t.Fatal(err)
			}
		} else {
			var b bytes.Buffer
			if err := Write(&b, r, f.Name); err != nil {
				t.Fatal(err)
			}
			files[f.Name+".txt"] = b.Bytes()
		}
		for name, got := range files {
			path := filepath.Join("testdata/golden", name)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./reports -update)", err)
			}
			if string(got) != string(want) {
				t.Errorf("%s differs from its golden file (go test ./reports -update, then review the diff)", path)
			}
		}
	}
}

func TestReportContent(t *testing.T) {
	r := demoReport(t)
	files, _ := Render(r, "html")
	html := string(files["report.html"])
	for _, want := range []string{`id="summary"`, `id="scores"`, `id="findings"`, `id="cost"`, `id="upgrade"`,
		"FA-CIS-001", "3.2.4", "Set readOnlyPort to 0", "<svg", "blocked", "prod-us-central"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	for _, banned := range []string{"<script", "http://", "https://fonts", "<link", "src=\"http"} {
		if strings.Contains(html, banned) {
			t.Errorf("HTML must be self-contained, found %q", banned)
		}
	}
	junit, _ := Render(r, "junit")
	j := string(junit["junit.xml"])
	if !strings.Contains(j, `<testsuite name="prod-eu-west"`) || !strings.Contains(j, `<failure message="1 findings" type="critical">`) {
		t.Errorf("JUnit: %s", j[:min(600, len(j))])
	}
	// One test case per cluster × rule.
	if n, want := strings.Count(j, "<testcase "), len(r.Clusters)*len(r.Rules); n != want {
		t.Errorf("JUnit has %d test cases, want %d", n, want)
	}
	pr, _ := Render(r, "policyreport")
	y := string(pr["policyreports/prod-eu-west.yaml"])
	for _, want := range []string{"apiVersion: wgpolicyk8s.io/v1alpha2", "kind: ClusterPolicyReport", "kind: PolicyReport", "namespace: payments", "result: fail", "result: pass", "control.cis: 3.2.4"} {
		if !strings.Contains(y, want) {
			t.Errorf("PolicyReport lacks %q", want)
		}
	}
}

// TestPolicyReportsParseAsTheirAPIs decodes every PolicyReport and Open Reports document with
// the API types, strictly, and checks that every resource is a real kind with its API version.
func TestPolicyReportsParseAsTheirAPIs(t *testing.T) {
	r := demoReport(t)
	realKinds := map[string]string{"Node": "v1", "Namespace": "v1", "ServiceAccount": "v1", "ResourceQuota": "v1",
		"Deployment": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1", "ReplicaSet": "apps/v1", "Pod": "v1",
		"Job": "batch/v1", "CronJob": "batch/v1", "PodDisruptionBudget": "policy/v1",
		"PodDisruptionBudget@": "policy/v1beta1", // as written: a removed API version in use
		"User":                 "rbac.authorization.k8s.io/v1", "Group": "rbac.authorization.k8s.io/v1", "Role": "rbac.authorization.k8s.io/v1",
		"RoleBinding": "rbac.authorization.k8s.io/v1", "ClusterRole": "rbac.authorization.k8s.io/v1", "FlowSchema": "flowcontrol.apiserver.k8s.io/v1beta3",
		"HorizontalPodAutoscaler": "autoscaling/v2", "APIService": "apiregistration.k8s.io/v1", "NodePool": "karpenter.sh/v1",
		"Schedule": "velero.io/v1", "BackupStorageLocation": "velero.io/v1", "Restore": "velero.io/v1", "Backup": "velero.io/v1",
		"ValidatingWebhookConfiguration": "admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration": "admissionregistration.k8s.io/v1",
		"CustomResourceDefinition": "apiextensions.k8s.io/v1", "ConfigMap": "v1",
		"CertificateSigningRequest": "certificates.k8s.io/v1", "Certificate": "cert-manager.io/v1", "Issuer": "cert-manager.io/v1",
		"ClusterIssuer": "cert-manager.io/v1"}
	for _, format := range []string{"policyreport", "openreports"} {
		files, err := Render(r, format)
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != len(r.Clusters) {
			t.Fatalf("%s: %d files for %d clusters", format, len(files), len(r.Clusters))
		}
		kinds, results := map[string]bool{}, 0
		for name, b := range files {
			for i, doc := range strings.Split(string(b), "---\n") {
				var head metav1.TypeMeta
				if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
					t.Fatalf("%s doc %d: %v", name, i, err)
				}
				kinds[head.APIVersion+" "+head.Kind] = true
				var got orv1.Report // the wg-policy documents are this shape without source
				if err := yaml.UnmarshalStrict([]byte(doc), &got); err != nil && format == "openreports" {
					t.Fatalf("%s doc %d does not decode strictly as an Open Report: %v", name, i, err)
				}
				if err := yaml.Unmarshal([]byte(doc), &got); err != nil {
					t.Fatal(err)
				}
				sum := got.Summary.Pass + got.Summary.Fail + got.Summary.Warn + got.Summary.Error + got.Summary.Skip
				if sum != len(got.Results) {
					t.Errorf("%s doc %d: summary counts %d results, has %d", name, i, sum, len(got.Results))
				}
				for _, res := range got.Results {
					results++
					for _, ref := range res.Subjects {
						if want, ok := realKinds[ref.Kind]; !ok || (ref.APIVersion != want && ref.APIVersion != realKinds[ref.Kind+"@"]) {
							t.Errorf("%s: resource %+v is not a real kind with its API version", name, ref)
						}
						if (ref.Namespace != "") != (got.Namespace != "") && got.Namespace != "" {
							t.Errorf("%s: namespaced report %s holds %+v", name, got.Namespace, ref)
						}
					}
				}
			}
		}
		want := map[string][]string{"policyreport": {"wgpolicyk8s.io/v1alpha2 ClusterPolicyReport", "wgpolicyk8s.io/v1alpha2 PolicyReport"},
			"openreports": {"openreports.io/v1alpha1 ClusterReport", "openreports.io/v1alpha1 Report"}}[format]
		if len(kinds) != 2 || !kinds[want[0]] || !kinds[want[1]] || results == 0 {
			t.Errorf("%s: kinds %v, %d results", format, kinds, results)
		}
	}
}

// TestOldReportLoadsForTheDiff: a report of schema v1alpha1 (string resources) still loads as
// the previous run, and the same findings in the new schema count as unchanged.
func TestOldReportLoadsForTheDiff(t *testing.T) {
	old, err := ReadReport("testdata/report-v1alpha1.json")
	if err != nil {
		t.Fatal(err)
	}
	r := withoutWorkloadPosture(demoReport(t))
	r.Diff(old)
	// The demo fleet gained one kube-system object since that report (a PDB that blocks
	// drains, so that -n kube-system shows something); everything else is unchanged.
	addedSince := func(f policy.Finding) bool { return f.Resource.Namespace == "kube-system" }
	if r.Changes == nil || len(r.Changes.New) != 1 || !addedSince(r.Changes.New[0]) || len(r.Changes.Resolved) != 0 || r.Changes.Unchanged == 0 {
		for _, f := range r.Changes.New {
			t.Logf("new: %s %s %s", f.RuleID, f.Resource, f.Message)
		}
		for _, f := range r.Changes.Resolved {
			t.Logf("resolved: %s %s %s", f.RuleID, f.Resource, f.Message)
		}
		t.Fatalf("diff against the v1alpha1 report of the same fleet: %d new, %d resolved, %d unchanged",
			len(r.Changes.New), len(r.Changes.Resolved), r.Changes.Unchanged)
	}
	// No behaviour change in findings across the typed-resource change: the same findings,
	// severities and messages as the v1alpha1 report of the same fleet.
	key := func(f policy.Finding) string {
		res := f.Resource
		return strings.Join([]string{f.Cluster, f.RuleID, f.Kind, string(f.Severity), f.Message,
			strings.ToLower(res.Kind), res.Namespace, res.Name}, "|")
	}
	before, after := map[string]int{}, map[string]int{}
	for _, c := range old.Clusters {
		for _, f := range c.Findings {
			before[key(f)]++
		}
	}
	for _, c := range r.Clusters {
		for _, f := range c.Findings {
			if !addedSince(f) {
				after[key(f)]++
			}
		}
	}
	if !maps.Equal(before, after) || len(after) < 40 {
		for k := range after {
			if before[k] != after[k] {
				t.Errorf("now %d, before %d: %s", after[k], before[k], k)
			}
		}
		for k := range before {
			if _, ok := after[k]; !ok {
				t.Errorf("gone: %s", k)
			}
		}
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "report.json")
	if err := os.WriteFile(bad, []byte(`{"schemaVersion": "fleetaudit.io/report/v9"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadReport(bad); err == nil || !strings.Contains(err.Error(), `schemaVersion "fleetaudit.io/report/v9" is not one this build reads`) {
		t.Errorf("unknown schema: %v", err)
	}
}

// TestDiffOneNewOneResolved: two runs, a finding added and one fixed, show exactly one new and
// one resolved; unchanged findings (even with different numbers in their message) stay
// unchanged.
func TestDiffOneNewOneResolved(t *testing.T) {
	f := func(rule, res, msg string) policy.Finding {
		return policy.Finding{Cluster: "c", RuleID: rule, Kind: "deny", Severity: "high", Resource: policy.ParseLegacyResource(res, "c"), Message: msg}
	}
	prev := &Report{GeneratedAt: time.Unix(1000, 0), Clusters: []ClusterReport{{Name: "c", Findings: []policy.Finding{
		f("FA-1", "node/a", "a is 3 behind"), f("FA-2", "node/b", "fixed later")}, Scores: map[string]policy.Score{"rbac": {Ratio: 0.8}}}}}
	cur := &Report{GeneratedAt: time.Unix(2000, 0), Clusters: []ClusterReport{{Name: "c", Findings: []policy.Finding{
		f("FA-1", "node/a", "a is 4 behind"), f("FA-3", "node/c", "new problem")}, Scores: map[string]policy.Score{"rbac": {Ratio: 0.7}}}}}
	cur.Diff(prev)
	ch := cur.Changes
	if len(ch.New) != 1 || ch.New[0].RuleID != "FA-3" || len(ch.Resolved) != 1 || ch.Resolved[0].RuleID != "FA-2" || ch.Unchanged != 1 {
		t.Fatalf("changes %+v", ch)
	}
	if len(ch.Scores) != 1 || ch.Scores[0].Before != 0.8 || ch.Scores[0].After != 0.7 {
		t.Errorf("score trend %+v", ch.Scores)
	}
}

func TestHistoryDiffIndexAndRetention(t *testing.T) {
	dir := t.TempDir()
	h := History{Dir: dir, Keep: 2}
	base := demoReport(t)
	var runs []string
	for i := range 3 {
		r := *base
		r.GeneratedAt = base.GeneratedAt.Add(time.Duration(i) * time.Hour)
		r.Changes = nil
		if i == 2 { // the third run fixes every finding of one cluster
			r.Clusters = append([]ClusterReport{}, base.Clusters...)
			r.Clusters[0].Findings = nil
		}
		run, err := h.Write(&r, []string{"html"})
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, filepath.Base(run))
	}
	left, _ := h.Runs()
	if len(left) != 2 || left[0] != runs[1] || left[1] != runs[2] {
		t.Fatalf("retention kept %v, want the last two of %v", left, runs)
	}
	last, err := ReadReport(filepath.Join(dir, runs[2], "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if last.Changes == nil || len(last.Changes.Resolved) != len(base.Clusters[0].Findings) || len(last.Changes.New) != 0 {
		t.Errorf("third run changes: %+v", last.Changes)
	}
	index, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	if strings.Contains(string(index), runs[0]) || !strings.Contains(string(index), runs[2]+"/report.html") {
		t.Errorf("index must list exactly the kept runs:\n%s", index)
	}
	assertIndexLinksResolve(t, dir)
	if _, err := h.Write(last, []string{"md"}); err == nil {
		t.Error("writing a run that already exists must fail, not overwrite")
	}
}

// assertIndexLinksResolve checks every link of index.html points at an existing file.
func assertIndexLinksResolve(t *testing.T, dir string) {
	t.Helper()
	index, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	links := 0
	for _, part := range strings.Split(string(index), `href="`)[1:] {
		link := part[:strings.Index(part, `"`)]
		links++
		if _, err := os.Stat(filepath.Join(dir, link)); err != nil {
			t.Errorf("index links to a missing file: %s", link)
		}
	}
	if links == 0 {
		t.Error("index has no links")
	}
}

// withoutWorkloadPosture drops the workload, certificates, autoscaling, observability and
// backup findings: the demo fleet's facts of those areas postdate the v1alpha1 report kept as
// a fixture.
func withoutWorkloadPosture(r *Report) *Report {
	for i := range r.Clusters {
		r.Clusters[i].Findings = slices.DeleteFunc(r.Clusters[i].Findings, func(f policy.Finding) bool {
			switch f.Category {
			case policy.CategoryWorkload, policy.CategoryCertificates, policy.CategoryAutoscaling, policy.CategoryObservability, policy.CategoryBackup:
				return true
			}
			return false
		})
	}
	return r
}
