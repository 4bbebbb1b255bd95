package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"

	"github.com/fleetaudit/fleetaudit/internal/policy"
	"github.com/fleetaudit/fleetaudit/internal/profilecheck"
	"github.com/fleetaudit/fleetaudit/internal/rollout"
	"github.com/fleetaudit/fleetaudit/reports"
)

const (
	shopCharts = "../../internal/manifests/testdata/charts"
	shopChart  = shopCharts + "/shop"
	overlay    = "../../internal/manifests/testdata/kustomize/overlay"
	ownChart   = "../../deploy/helm/fleetaudit"
	checkFleet = "testdata/profilecheck"
)

// findingsOf is one cluster's findings of rule.
func findingsOf(c reports.ClusterReport, rule string) []policy.Finding {
	var out []policy.Finding
	for _, f := range c.Findings {
		if f.RuleID == rule {
			out = append(out, f)
		}
	}
	return out
}

// TestAuditHelmChartJudgesRemovedAPIsForTheTargetVersion: a chart whose template writes a
// policy/v1beta1 PodDisruptionBudget fails --fail-on high for Kubernetes 1.25 (removed: it
// will not apply) and passes for 1.24 (deprecated: a warning), with the finding located at
// the template; the rendered SARIF points code scanning at the template file.
func TestAuditHelmChartJudgesRemovedAPIsForTheTargetVersion(t *testing.T) {
	for _, c := range []struct {
		version  string
		code     int
		severity policy.Severity
		kind     string
	}{
		{"v1.25.0", exitFindings, policy.SeverityHigh, "deny"},
		{"v1.24.0", exitOK, policy.SeverityMedium, "warn"},
	} {
		code, out, errOut := runCLI(t, "audit", "--helm-chart", shopChart, "--kube-version", c.version, "--fail-on", "high", "-o", "json")
		if code != c.code {
			t.Fatalf("%s: exit %d, want %d: %s", c.version, code, c.code, errOut)
		}
		a := decodeAudit(t, out)
		if len(a.Clusters) != 1 || a.Clusters[0].Name != shopChart || a.Clusters[0].Version != c.version {
			t.Fatalf("%s: clusters %+v", c.version, a.Clusters)
		}
		pdb := findingsOf(a.Clusters[0], "FA-UPG-004")
		if len(pdb) != 1 {
			t.Fatalf("%s: FA-UPG-004 findings %+v, want the PDB's", c.version, pdb)
		}
		f := pdb[0]
		if f.Severity != c.severity || f.Kind != c.kind || f.Resource.Kind != "PodDisruptionBudget" || f.Resource.Name != "shop-web" {
			t.Errorf("%s: %+v", c.version, f)
		}
		if l := f.Location; l == nil || l.File != shopChart+"/templates/pdb.yaml" || l.Line != 2 || !l.Rendered {
			t.Errorf("%s: PDB located at %+v, want its template, line 2 (after the comment), rendered", c.version, f.Location)
		}
		if !strings.Contains(f.Message, "policy/v1beta1") || !strings.Contains(f.Message, "policy/v1") {
			t.Errorf("%s: message %q names neither the version written nor the replacement", c.version, f.Message)
		}
	}
	// SARIF: the location of every finding on the chart is its template.
	code, out, errOut := runCLI(t, "audit", "--helm-chart", shopChart, "--kube-version", "v1.25.0", "-o", "sarif")
	if code != exitOK {
		t.Fatalf("sarif: exit %d: %s", code, errOut)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string
				Locations []struct {
					PhysicalLocation *struct {
						ArtifactLocation struct{ URI, URIBaseID string }
						Region           struct{ StartLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, r := range log.Runs[0].Results {
		p := r.Locations[0].PhysicalLocation
		if p == nil || !strings.HasPrefix(p.ArtifactLocation.URI, "../../internal/manifests/testdata/charts/shop/templates/") ||
			p.ArtifactLocation.URIBaseID != "%SRCROOT%" || p.Region.StartLine < 1 {
			t.Errorf("%s: physical location %+v", r.RuleID, p)
			continue
		}
		seen = append(seen, r.RuleID+" "+strings.TrimPrefix(p.ArtifactLocation.URI, "../../internal/manifests/testdata/charts/shop/"))
	}
	if !slices.Contains(seen, "FA-UPG-004 templates/pdb.yaml") {
		t.Errorf("SARIF results %v lack the PDB at templates/pdb.yaml", seen)
	}
}

// TestAuditKustomizeOverlayThatTurnsPrivileged: the base is compliant; the overlay's patch
// makes its container privileged, which is flagged on the built object and located at the
// base file where the Deployment is written.
func TestAuditKustomizeOverlayThatTurnsPrivileged(t *testing.T) {
	privileged := func(dir string) []policy.Finding {
		code, out, errOut := runCLI(t, "audit", "--kustomize", dir, "-o", "json")
		if code != exitOK {
			t.Fatalf("%s: exit %d: %s", dir, code, errOut)
		}
		a := decodeAudit(t, out)
		if len(a.Clusters) != 1 || a.Clusters[0].Status != "ok" {
			t.Fatalf("%s: %+v", dir, a.Clusters)
		}
		return findingsOf(a.Clusters[0], "FA-WL-002")
	}
	if fs := privileged("../../internal/manifests/testdata/kustomize/base"); len(fs) != 0 {
		t.Errorf("the compliant base is flagged privileged: %+v", fs)
	}
	fs := privileged(overlay)
	if len(fs) != 1 {
		t.Fatalf("overlay: privileged findings %+v, want one", fs)
	}
	f := fs[0]
	if f.Resource.Kind != "Deployment" || f.Resource.Namespace != "prod" || f.Resource.Name != "prod-api" || f.Severity.Rank() < policy.SeverityHigh.Rank() {
		t.Errorf("finding %+v", f)
	}
	if l := f.Location; l == nil || l.File != "../../internal/manifests/testdata/kustomize/base/deployment.yaml" || l.Line != 7 || l.Column != 0 {
		t.Errorf("located at %+v, want the base's Deployment (line 7, no column: the patch changed it)", f.Location)
	}
}

// TestOwnChartPassesOwnAudit: fleetaudit's own chart, rendered with its defaults, has no
// finding at high or above under our own rules (the CI gate of docs/manifests.md), and
// installed as documented (own namespace, NetworkPolicy on) none above low.
func TestOwnChartPassesOwnAudit(t *testing.T) {
	code, out, errOut := runCLI(t, "audit", "--helm-chart", ownChart, "--fail-on", "high", "-o", "json")
	a := decodeAudit(t, out)
	if code != exitOK {
		for _, c := range a.Clusters {
			for _, f := range c.Findings {
				if f.Severity.AtLeast(policy.SeverityHigh) {
					t.Errorf("%s %s %s: %s", f.Severity, f.RuleID, f.Resource, f.Message)
				}
			}
			if c.Problem != "" {
				t.Errorf("%s: %s", c.Name, c.Problem)
			}
		}
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// The audit judged the chart's workloads, not an empty render.
	if len(a.Clusters) != 1 || a.Summary.Clusters != 1 {
		t.Fatalf("clusters %+v", a.Clusters)
	}
	judged := false
	for _, r := range a.Rules {
		if r.ID == "FA-WL-002" {
			judged = true
		}
	}
	for _, s := range a.Clusters[0].Skipped {
		if s.Rule == "FA-WL-002" {
			judged = false
		}
	}
	if !judged {
		t.Error("FA-WL-002 (privileged) was not judged on the chart")
	}

	// Installed as documented (its own namespace, a NetworkPolicy), nothing is above low.
	code, out, errOut = runCLI(t, "audit", "--helm-chart", ownChart, "--helm-release", "fleetaudit", "--helm-namespace", "fleetaudit",
		"--set", "networkPolicy.enabled=true", "--set", "networkPolicy.egress.apiServers.cidrs={10.0.0.1/32}", "-o", "json")
	if code != exitOK {
		t.Fatalf("with a NetworkPolicy: exit %d: %s", code, errOut)
	}
	a = decodeAudit(t, out)
	n := 0
	for _, f := range a.Clusters[0].Findings {
		n++
		if f.Severity.Rank() > policy.SeverityLow.Rank() {
			t.Errorf("our chart, installed as documented: %s %s %s: %s", f.Severity, f.RuleID, f.Resource, f.Message)
		}
		if f.Resource.Namespace != "" && f.Resource.Namespace != "fleetaudit" {
			t.Errorf("rendered outside --helm-namespace: %s", f.Resource)
		}
	}
	if n == 0 {
		t.Error("no finding at all: the image is not pinned by digest by default, FA-WL-019 (low) should say so")
	}
}

// TestProfileCheck: a profile version whose layer renders a policy/v1beta1 PDB passes its
// own check for Kubernetes 1.24 and fails it for 1.25 (exit 1, the layer's blocking finding
// named); a version whose layers' ranges conflict and whose chart is missing fails with
// each problem; plan --charts shows the failing version as not rollable.
func TestProfileCheck(t *testing.T) {
	check := func(ref string) (int, profilecheck.Result, reports.Report) {
		code, out, errOut := runCLI(t, "profile", "check", ref, "--catalog", checkFleet, "--charts", shopCharts, "-o", "json")
		if code == exitUsage {
			t.Fatalf("%s: exit %d: %s", ref, code, errOut)
		}
		var doc struct {
			profilecheck.Result
			Report reports.Report `json:"report"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("%s: %v\n%s", ref, err, out)
		}
		return code, doc.Result, doc.Report
	}
	code, res, rep := check("shop-platform@1.0.0")
	if code != exitOK || !res.Passed || len(res.Problems) != 0 || len(res.Layers) != 1 || res.Layers[0].Path != shopCharts+"/shop" {
		t.Errorf("1.0.0 (Kubernetes 1.24): exit %d %+v", code, res)
	}
	if len(rep.Clusters) != 1 || rep.Clusters[0].Name != "shop-platform@1.0.0/web" || len(findingsOf(rep.Clusters[0], "FA-UPG-004")) != 1 {
		t.Errorf("1.0.0: the layer's audit lacks the deprecation warning: %+v", rep.Clusters)
	}

	code, res, _ = check("shop-platform@2.0.0")
	if code != exitFindings || res.Passed || len(res.Problems) != 0 || res.Layers[0].Blocking != 1 {
		t.Errorf("2.0.0 (Kubernetes 1.25): exit %d %+v", code, res)
	}
	if rs := res.Reasons(); len(rs) != 1 || !strings.Contains(rs[0], "layer web (shop@0.3.1) has 1 open finding(s) at or above high") {
		t.Errorf("2.0.0 reasons %q", rs)
	}

	code, res, _ = check("shop-platform@3.0.0")
	var problems []string
	for _, p := range res.Problems {
		problems = append(problems, p.Field+": "+p.Message)
	}
	want := []string{"layer mesh supports Kubernetes \">=1.10.0 <1.19.0\", which excludes the profile's own v1.26.0",
		"layer web supports Kubernetes \">=1.20.0-0\" and layer mesh supports \">=1.10.0 <1.19.0\": no version satisfies both",
		"layer mesh: chart not found: mesh 1.0.0", "helm pull oci://registry.example.com/charts/mesh --version 1.0.0"}
	if code != exitFindings || res.Passed || len(res.Problems) != 3 {
		t.Errorf("3.0.0: exit %d, problems:\n%s", code, strings.Join(problems, "\n"))
	}
	for _, w := range want {
		if !strings.Contains(strings.Join(problems, "\n"), w) {
			t.Errorf("3.0.0 problems lack %q:\n%s", w, strings.Join(problems, "\n"))
		}
	}

	// The table says it too.
	code, out, _ := runCLI(t, "profile", "check", "shop-platform@2.0.0", "--catalog", checkFleet, "--charts", shopCharts)
	if code != exitFindings || !strings.Contains(out, "PROFILE CHECK shop-platform@2.0.0 (Kubernetes v1.25.0): FAILED: not rollable") {
		t.Errorf("table: exit %d\n%s", code, out)
	}

	// plan --charts: the target fails its own check, so it is not rollable.
	for ref, rollable := range map[string]bool{"shop-platform@2.0.0": false, "shop-platform@1.0.0": true} {
		_, out, errOut := runCLI(t, "plan", ref, "--catalog", checkFleet, "--charts", shopCharts, "--demo", "-o", "json")
		var p rollout.Plan
		if err := json.Unmarshal([]byte(out), &p); err != nil {
			t.Fatalf("plan %s: %v\n%s%s", ref, err, out, errOut)
		}
		if len(p.Checks) == 0 || p.Checks[0].Profile != ref || p.Checks[0].Rollable != rollable {
			t.Errorf("plan %s: checks %+v, want rollable=%v first", ref, p.Checks, rollable)
		}
		if !rollable && (len(p.Checks[0].Reasons) != 1 || !strings.Contains(p.Checks[0].Reasons[0], "fails its own check")) {
			t.Errorf("plan %s: reasons %q", ref, p.Checks[0].Reasons)
		}
	}
}

// TestAuditFileInputsBadInput: a chart that fails to render and a missing values file are
// clear errors naming the template (file:line:column) or the file; the other inputs of the
// run are still audited, and the run is incomplete (exit 3).
func TestAuditFileInputsBadInput(t *testing.T) {
	code, out, errOut := runCLI(t, "audit", "--helm-chart", shopCharts+"/broken", "--kustomize", overlay, "-o", "json")
	if code != exitIncomplete {
		t.Fatalf("exit %d, want %d: %s", code, exitIncomplete, errOut)
	}
	a := decodeAudit(t, out)
	if len(a.Clusters) != 2 {
		t.Fatalf("clusters %+v", a.Clusters)
	}
	for _, c := range a.Clusters {
		switch c.Name {
		case shopCharts + "/broken":
			if c.Status != "partial" || !strings.Contains(c.Problem, "broken/templates/configmap.yaml:7:13") || !strings.Contains(c.Problem, "region is required") {
				t.Errorf("broken chart: status %s, problem %q", c.Status, c.Problem)
			}
		case overlay:
			if c.Status != "ok" || len(findingsOf(c, "FA-WL-002")) != 1 {
				t.Errorf("the overlay beside a broken chart: status %s, %d privileged findings", c.Status, len(findingsOf(c, "FA-WL-002")))
			}
		default:
			t.Errorf("unexpected cluster %s", c.Name)
		}
	}
	code, out, _ = runCLI(t, "audit", "--helm-chart", shopChart, "--values", "testdata/no-such-values.yaml", "-o", "json")
	if code != exitIncomplete || !strings.Contains(decodeAudit(t, out).Clusters[0].Problem, "values file: open testdata/no-such-values.yaml") {
		t.Errorf("missing values file: exit %d\n%s", code, out)
	}
}

// TestProfileCheckFindsPackagedCharts: a layer's chart packaged as NAME-VERSION.tgz (what
// helm pull writes and Helm's repository cache holds) is found, rendered and judged.
func TestProfileCheckFindsPackagedCharts(t *testing.T) {
	ch, err := loader.Load(shopChart)
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	tgz, err := chartutil.Save(ch, cache)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(tgz) != "shop-0.3.1.tgz" {
		t.Fatalf("packaged as %s", tgz)
	}
	code, out, errOut := runCLI(t, "profile", "check", "shop-platform@2.0.0", "--catalog", checkFleet, "--charts", cache, "-o", "json")
	var res profilecheck.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("exit %d: %v\n%s%s", code, err, out, errOut)
	}
	if code != exitFindings || len(res.Layers) != 1 || res.Layers[0].Path != tgz || res.Layers[0].Blocking != 1 || len(res.Problems) != 0 {
		t.Errorf("exit %d: %+v", code, res)
	}
}
