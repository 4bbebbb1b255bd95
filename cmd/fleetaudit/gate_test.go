package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fleetaudit/fleetaudit/internal/policy"
)

func TestGateOnDemoFleet(t *testing.T) {
	profileFile := "../../examples/profiles/platform-1.34.yaml"
	code, out, errOut := runCLI(t, "gate", "--profile", profileFile, "--demo", "-o", "json", "--explain")
	if code != exitFindings {
		t.Fatalf("exit %d, want %d (denied): %s", code, exitFindings, errOut)
	}
	var res policy.GateReport
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Profile != "platform-standard@3.2.0" || len(res.Decisions) != 3 {
		t.Fatalf("%+v", res)
	}
	byCluster := map[string]string{}
	for _, d := range res.Decisions {
		if d.Allowed || len(d.Explain) < 35 {
			t.Errorf("%s: allowed %v with %d rules explained", d.Cluster, d.Allowed, len(d.Explain))
		}
		byCluster[d.Cluster] = strings.Join(d.Reasons, "\n")
	}
	for cluster, want := range map[string]string{
		"prod-eu-west":    "FA-UPG-005 high: PodDisruptionBudget payments/payments-db allows 0 disruptions",
		"prod-us-central": "rbac compliance 74% (14 of 19) is below the profile's minimum 75%",
		"staging-eastus":  "upgrade from v1.32.9 to v1.34.2 skips 1 minor versions",
	} {
		if !strings.Contains(byCluster[cluster], want) {
			t.Errorf("%s reasons lack %q:\n%s", cluster, want, byCluster[cluster])
		}
	}
	// The profile that blocks only on critical findings cannot make an unsafe move allowed:
	// two and three minors at once, and kubelets left out of the skew, stay denied whatever
	// blockingSeverity says; the high findings it waives are reported as warnings.
	code, out, _ = runCLI(t, "gate", "--profile", "../../examples/profiles/edge-1.35.yaml", "--demo", "-o", "json")
	var edge policy.GateReport
	if err := json.Unmarshal([]byte(out), &edge); err != nil || code != exitFindings || edge.Allowed {
		t.Fatalf("edge profile: exit %d, %v\n%s", code, err, out)
	}
	for _, d := range edge.Decisions {
		first := ""
		if len(d.Safety) > 0 {
			first = string(d.Safety[0].Check)
		}
		want := map[string]string{"prod-eu-west": "minor-jump", "staging-eastus": "minor-jump", "prod-us-central": "kubelet-skew"}[d.Cluster]
		if d.Allowed || first != want || !strings.HasPrefix(d.Reasons[0], "non-waivable "+want+": ") {
			t.Errorf("%s under edge: allowed %v, first non-waivable check %q (want %s), reasons %v", d.Cluster, d.Allowed, first, want, d.Reasons)
		}
		if d.Cluster == "staging-eastus" && !slices.ContainsFunc(d.Warnings, func(w string) bool {
			return strings.HasPrefix(w, "FA-UPG-005 high: PodDisruptionBudget kube-system/coredns")
		}) {
			t.Errorf("staging's waived high finding is not a warning: %v", d.Warnings)
		}
	}
}

func TestGateAndProfileBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	write(t, bad, "apiVersion: fleetaudit.io/v1alpha1\nkind: ClusterProfile\nmetadata: {name: x}\nspec:\n  version: one\n  kubernetesVersion: v1.35.0\n  selector: {clusters: [\"*\"]}\n")
	for _, args := range [][]string{
		{"gate", "--demo"},
		{"gate", "--demo", "--profile", bad},
		{"gate", "--demo", "--profile", filepath.Join(dir, "missing.yaml")},
		{"profile", "validate", bad},
	} {
		code, _, errOut := runCLI(t, args...)
		if code != exitUsage || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
	_, _, errOut := runCLI(t, "profile", "validate", bad)
	if !strings.Contains(errOut, bad+`: spec.version: "one" is not a semantic version`) {
		t.Errorf("profile validate: %s", errOut)
	}
	code, out, _ := runCLI(t, "profile", "validate", "../../examples/profiles/platform-1.34.yaml")
	if code != exitOK || !strings.Contains(out, "is valid") {
		t.Errorf("valid example: %d %s", code, out)
	}
}

// TestGateWithCatalog: --catalog DIR --profile NAME picks the newest version, NAME@VERSION a
// pinned one; a catalog folder given as --profile says how to name the profile.
func TestGateWithCatalog(t *testing.T) {
	cat := "../../examples/profiles"
	for ref, want := range map[string]string{"platform-standard": "platform-standard@3.3.0", "platform-standard@3.2.0": "platform-standard@3.2.0"} {
		_, out, errOut := runCLI(t, "gate", "--catalog", cat, "--profile", ref, "--demo", "-o", "json")
		var res policy.GateReport
		if err := json.Unmarshal([]byte(out), &res); err != nil || res.Profile != want {
			t.Errorf("--profile %s: %v %s %s", ref, err, res.Profile, errOut)
		}
	}
	code, _, errOut := runCLI(t, "gate", "--profile", cat, "--demo")
	if code != exitUsage || !strings.Contains(errOut, "is a folder: a catalog; name the profile with --catalog") {
		t.Errorf("folder as --profile: exit %d %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "gate", "--catalog", cat, "--profile", "platform-standard@9.9.9", "--demo")
	if code != exitUsage || !strings.Contains(errOut, "9.9.9") {
		t.Errorf("missing version: exit %d %s", code, errOut)
	}
}
