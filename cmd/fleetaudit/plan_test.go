package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/fleetaudit/fleetaudit/internal/rollout"
)

// TestPlanOnDemoFleet: the demo fleet's way to platform-standard@3.3.0 through the example
// catalog, in the waves of the example bindings: staging (v1.32) passes 3.1.0, 3.2.0 and
// 3.3.0 one minor at a time and may take its first step now (its override blocks only on
// critical findings, and says so); production goes second and is denied with reasons.
func TestPlanOnDemoFleet(t *testing.T) {
	args := []string{"plan", "platform-standard", "--catalog", "../../examples/profiles", "--bindings", "../../examples/bindings.yaml", "--demo"}
	code, out, errOut := runCLI(t, append(args, "-o", "json")...)
	if code != exitFindings {
		t.Fatalf("exit %d (want 1: production is denied): %s", code, errOut)
	}
	var p rollout.Plan
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	var order []string
	steps := map[string]string{}
	for _, c := range p.Clusters {
		order = append(order, c.Cluster)
		var s []string
		for _, st := range c.Steps {
			s = append(s, st.KubernetesVersion)
		}
		steps[c.Cluster] = strings.Join(s, ">")
		if c.Decision == nil {
			t.Fatalf("%s: no decision for its first step", c.Cluster)
		}
		if allowed := c.Cluster == "staging-eastus"; c.Decision.Allowed != allowed {
			t.Errorf("%s first step allowed %v: %v", c.Cluster, c.Decision.Allowed, c.Decision.Reasons)
		}
	}
	if p.Target != "platform-standard@3.3.0" || strings.Join(order, ",") != "staging-eastus,prod-eu-west,prod-us-central" {
		t.Errorf("target %s, order %v", p.Target, order)
	}
	for cluster, want := range map[string]string{"staging-eastus": "v1.33.5>v1.34.2>v1.35.0", "prod-eu-west": "v1.34.2>v1.35.0", "prod-us-central": "v1.35.0"} {
		if steps[cluster] != want {
			t.Errorf("%s steps %s, want %s", cluster, steps[cluster], want)
		}
	}
	_, table, _ := runCLI(t, args...)
	for _, want := range []string{"WAVE 1  staging-eastus  v1.32.9", "first step now: ALLOW", "override: blockingSeverity=critical: staging is where upgrades are rehearsed",
		"warning: FA-UPG-005 high: PodDisruptionBudget kube-system/coredns", "WAVE 2  prod-eu-west", "non-waivable kubelet-skew"} {
		if !strings.Contains(table, want) {
			t.Errorf("plan table lacks %q:\n%s", want, table)
		}
	}
	for _, bad := range [][]string{
		{"plan", "platform-standard@9.9.9", "--catalog", "../../examples/profiles", "--demo"},
		{"plan", "platform-standard", "--demo"},
		{"plan", "--catalog", "../../examples/profiles", "--demo"},
	} {
		if code, _, _ := runCLI(t, bad...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
}
