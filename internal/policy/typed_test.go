package policy_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fleetaudit/fleetaudit/internal/facts"
	"github.com/fleetaudit/fleetaudit/internal/fleet"
	"github.com/fleetaudit/fleetaudit/internal/policy"
)

// TestFindingSeveritiesAreTheDeclaredOnes: over the demo fleet, every finding carries one of
// the severities its rule's METADATA declares (what `rules list` shows), its rule's category,
// and a typed resource.
func TestFindingSeveritiesAreTheDeclaredOnes(t *testing.T) {
	ctx := context.Background()
	e, err := policy.New(ctx, policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]*policy.Rule{}
	for _, r := range e.Rules() {
		rules[r.ID] = r
		if !slices.Contains(r.Severities, r.Severity) {
			t.Errorf("%s: severities %v do not include its severity %s", r.ID, r.Severities, r.Severity)
		}
	}
	snap, err := fleet.OpenSnapshot("../demo/fleet", fleet.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	audit, err := fleet.Run(ctx, snap.Jobs(), e, fleet.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range audit.Clusters {
		if c.Status != facts.StatusOK {
			t.Fatalf("%s: %s", c.Cluster, c.Problem)
		}
		for _, f := range c.Findings {
			n++
			r := rules[f.RuleID]
			if !slices.Contains(r.Severities, f.Severity) {
				t.Errorf("%s finding has severity %s; METADATA declares %v", f.RuleID, f.Severity, r.Severities)
			}
			if f.Category != r.Category || f.Resource.Kind == "" || f.Resource.Name == "" {
				t.Errorf("%s finding: category %q (rule %q), resource %+v", f.RuleID, f.Category, r.Category, f.Resource)
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d findings on the demo fleet", n)
	}
}

// TestUndeclaredSeverityAndBadResourceAreErrors: a rule whose finding names a severity its
// METADATA does not declare, or a malformed resource, fails the evaluation with a message
// that says how to fix it; a declared one and a typed resource with controls pass through.
func TestUndeclaredSeverityAndBadResourceAreErrors(t *testing.T) {
	rule := func(extra, finding string) string {
		return "# METADATA\n# title: T\n# custom:\n#   id: U-1\n#   severity: high\n" + extra + "#   category: upgrade\n" +
			"#   controls: [{framework: NSA, id: \"authn-authz\"}]\npackage u\n\ndeny contains " + finding + " if true\n"
	}
	cases := []struct{ name, src, wantErr string }{
		{"undeclared severity", rule("", `{"msg": "m", "resource": {"kind": "Node", "name": "n"}, "severity": "low"}`),
			"severity low, which the rule's METADATA does not declare"},
		{"resource without name", rule("", `{"msg": "m", "resource": {"kind": "Node"}}`), "resource needs kind and name"},
		{"resource with unknown field", rule("", `{"msg": "m", "resource": {"kind": "Node", "name": "n", "nmespace": "x"}}`), `unknown field "nmespace"`},
		{"bad controls", rule("", `{"msg": "m", "resource": {"kind": "Node", "name": "n"}, "controls": ["CIS 1.1"]}`), "want {framework, id}"},
		{"declared severity", rule("#   severities: [low]\n", `{"msg": "m", "resource": {"kind": "Node", "name": "n", "apiVersion": "v1"}, "severity": "low", "controls": [{"framework": "CIS", "id": "5.1.1"}]}`), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "u.rego"), []byte(tc.src), 0o644); err != nil {
				t.Fatal(err)
			}
			e, err := policy.New(context.Background(), policy.Options{Dirs: []string{dir}})
			if err != nil {
				t.Fatal(err)
			}
			fs, err := e.Evaluate(context.Background(), &facts.Cluster{Name: "c"})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got *policy.Finding
			for i := range fs {
				if fs[i].RuleID == "U-1" {
					got = &fs[i]
				}
			}
			want := policy.ResourceRef{APIVersion: "v1", Kind: "Node", Name: "n"}
			if got == nil || got.Severity != policy.SeverityLow || got.Resource != want ||
				len(got.Controls) != 2 || got.Controls[0] != (policy.Control{Framework: "NSA", ID: "authn-authz"}) || got.ControlOf("cis") != "5.1.1" {
				t.Fatalf("finding %+v", got)
			}
		})
	}
}

// TestLegacyStringResources: rules written before typed resources still work; their strings
// are read once, into the API spelling of the kinds fleetaudit knows.
func TestLegacyStringResources(t *testing.T) {
	for in, want := range map[string]policy.ResourceRef{
		"cluster":                      {Kind: "Cluster", Name: "prod"},
		"node/n1":                      {APIVersion: "v1", Kind: "Node", Name: "n1"},
		"poddisruptionbudget/web/pdb":  {APIVersion: "policy/v1", Kind: "PodDisruptionBudget", Namespace: "web", Name: "pdb"},
		"ServiceAccount/ci/deployer":   {APIVersion: "v1", Kind: "ServiceAccount", Namespace: "ci", Name: "deployer"},
		"Widget/ns/a/b":                {Kind: "Widget", Namespace: "ns", Name: "a/b"},
		"clusterrole/system:aggregate": {APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole", Name: "system:aggregate"},
	} {
		if got := policy.ParseLegacyResource(in, "prod"); got != want {
			t.Errorf("%q: %+v, want %+v", in, got, want)
		}
	}
}
